package dialog

// Intent cues: weighted phrase patterns (syntax in understand_phrase.go) matched over the
// message's normalised words, where every occupation mention found by the LMI store is
// collapsed into the single word OCC and every place mention into PLACE. Each matched cue
// adds its weight to its intent; flags gate a cue on the occupations found.

// Cue flags.
const (
	ucNeedOcc  uint32 = 1 << iota // counts only when an occupation is mentioned
	ucNoOcc                       // counts only when no occupation is mentioned
	ucNeed2Occ                    // counts only when two or more occupations are mentioned
)

// ucIntentPrecedence breaks ties between equal scores: earlier wins. Safety and the
// person's explicit requests first (safeguarding, delete_data, handoff), then the more
// specific careers questions before the general ones (compare needs two jobs, best_paid
// and vacancies are narrower than pay, entry/hours/outlook are narrower than describe),
// then social messages, which only win when nothing else scored.
var ucIntentPrecedence = []string{
	IntentSafeguarding, IntentDeleteData, IntentHandoff, IntentCompare, IntentBestPaid,
	IntentVacancies, IntentEntry, IntentHours, IntentOutlook, IntentPay, IntentDescribe,
	IntentSuggest, IntentHelp, IntentThanks, IntentBye, IntentGreet,
}

var ucCueSpecs = []ucPatternSpec{
	// delete_data
	{pattern: "delete/erase/remove/wipe/clear/forget all? my data/info/information/details/account/messages/chat/chats/history/conversation/conversations/profile/stuff|delete/erase/wipe everything|delete/erase this conversation/chat|forget me|forget about me|forget everything about me|forget what i said|delete all my|right to be forgotten", label: IntentDeleteData, weight: 6},

	// handoff
	{pattern: "talk/speak/chat to/with a/an/the/my? careers? human/humans/person/adviser/advisers/someone/somebody/OCC/staff/teacher/counsellor|talk/speak/chat with/to a real person|real person|real human|real adviser|real OCC|help from an? adviser/human/person|actual person|actual human|human being|connect me|put me through|transfer me|book/make/get me? an? appointment|someone i can talk/speak/chat to|someone to talk/speak to|anyone i can talk/speak to|book a call|appointment with|contact an? adviser|call me|phone me|ring me|not a bot|not want a bot|want/need a/an? person/human/adviser/advisers|want/need to talk/speak to someone|live chat|someone real|person please|human please|adviser please|get me an? adviser/human/person", label: IntentHandoff, weight: 5},
	{pattern: "adviser|advisers|careers adviser|human", label: IntentHandoff, weight: 1},
	{pattern: "human resources|human rights|human biology|human body", label: IntentHandoff, weight: -2},
	{pattern: "you are not helping|this is not helping|you are useless|your useless|you useless|this is useless|useless bot|stupid bot|rubbish bot|you do not understand|you are not understanding|you do not get it|that is not what i asked|not what i meant|did not answer my question|you did not answer|still do not understand|i am confused by this", label: IntentHandoff, weight: 2.5},

	// compare (two occupations)
	{pattern: "OCC or/vs/versus/v/against a/an? OCC|OCC compared to/with a/an? OCC|OCC or a/an OCC|OCC than a/an? OCC|between a/an? OCC and a/an? OCC", label: IntentCompare, weight: 4, flags: ucNeed2Occ},
	{pattern: "compare|comparing|comparison|compared|difference|differences|versus|vs|better|which pays more|which is better|which earns more|who earns more|who gets paid more|which one|decide between|choose between|between", label: IntentCompare, weight: 3, flags: ucNeed2Occ},

	// best_paid (no particular occupation)
	{pattern: "highest/higest/top/best/better/most/well/high/good/big paid/paying/payed/salary/salaries/wage/wages/earning/earners|pay/pays/paid/earn/earns the? most|pay/pays/paid/earn the best|pay/pays/paid well|pay/pays/paid good|pay/pays/paid a lot|pay/pays/paid loads|pay/pays/paid decent|most money|make the most money|earn the most money|good money|big money|loads of money|lots of money|richest|rich|which pays more|best/top/most money|pay/pays/paid/earn over/above|pay/pays/paid/earn more than|jobs for money|for the money|good wage|good wages|decent money|what pays|which pays|paid the highest|best salary|highest salary|jobs with the best pay|top salaries|top earning|best wages|high income", label: IntentBestPaid, weight: 4, flags: ucNoOcc},

	// vacancies
	{pattern: "vacancies|vacancy|hiring|recruiting|openings|job adverts|adverts|job ads|jobs available|available|any jobs|any OCC jobs|find me? a job|find me? work|find me? jobs|looking for work|looking for a job|looking for jobs|apply for jobs|jobs going|jobs round/around here|part time jobs|saturday jobs|weekend jobs|summer jobs|jobs near|jobs nearby|jobs locally|jobs in PLACE|work in PLACE|jobs near me|job near me|jobs * near me|jobs for * year olds|jobs for teenagers|jobs for teens|apprenticeships/apprenticeship near/nearby/around/going|apprenticeships/apprenticeship in PLACE|apprenticeships/apprenticeship available|jobs around PLACE|jobs in my area|where can i work|where can i find", label: IntentVacancies, weight: 3},
	{pattern: "OCC jobs/job/work/roles/positions/vacancies in/near/around/nearby|OCC jobs/job/roles/positions in? PLACE|OCC jobs/roles/positions going|OCC jobs/roles/positions available|jobs for OCC in/near|jobs/roles/vacancies/openings in a/an? OCC", label: IntentVacancies, weight: 3.5, flags: ucNeedOcc},

	// entry
	{pattern: "how to/do/can/would/could/should i/you? become/be/qualify/start|how to/do/can/would/could/should i/you? get into|how to become|how to be a/an|can i be a/an|could i be a/an|can i become|can/could girls/boys/women/men/people/someone/anyone/i/you be/become|without a levels|without gcses|how do i become|how do you become|how can i become|how would i become|become a/an|becoming a/an|becoming|train/training/trained to be/become|train/training/trained as|study to be/become|qualify as|qualify to|qualifications|qualification|qualified|what subjects|which subjects|subjects do i need|subjects for|what a levels|which a levels|a levels for|a levels do i need|what gcses|gcses do i need|gcses for|grades do i need|what grades|entry requirements|requirements|required|apprenticeship|apprenticeships|become|get into|getting into|go into|going into|break into|join the|joining the|join a|enlist|sign up for the|degree do i need|need a degree|need to go to uni|need to go to university|what do i/you need to do? to be/become|what do i need|what do you need|how long does it take to become/be/qualify/train|how long to become/qualify|how many years to become|how many years does it take|route into|routes into|pathway|pathways|career path|steps to become|start a career in/as|start working as|start work as|start out as|start off as|get a job as/in/with|get a job being|how do i get a job|how do you get a job|how to get a job|what do i have to do|training|course|courses|which course|what course|university course|uni course|study|college course|do i need to go to uni|work experience|entry|get started", label: IntentEntry, weight: 2.5},
	{pattern: "want to be a/an? OCC|want to become a/an? OCC|would like to be a/an? OCC|dream is to be|going to be a/an OCC|planning to be", label: IntentEntry, weight: 2, flags: ucNeedOcc},

	// hours
	{pattern: "how many days|days a week|days per week|how many hours|how long do/does * work|hours do/does|what hours|hours a week|hours per week|long hours|work long|hours|nights|night shift|night shifts|work nights|working nights|work at night|shifts|shift work|shift pattern|weekends|work weekends|work on weekends|part time|full time|9 to 5|nine to five|overtime|work late|early mornings|early starts|days off|time off|holidays|annual leave|work life balance|flexible|flexi|on call|working week|working day|how much do * work|work every day|a day off|weekend work|bank holidays|christmas day", label: IntentHours, weight: 2.5},

	// outlook
	{pattern: "in demand|demand for|high demand|future|growing|grow|growth|dying|die out|dying out|replaced|replace|replacing|automation|automated|automate|robots|ai|artificial intelligence|going to be needed|be needed|more * needed|needed in the future|need more|needed|do we need|fewer|more and more|going to be more/fewer/less|shortage|shortages|short of|will there be|will there still be|still be jobs|still exist|still be around|going away|disappear|disappearing|declining|decline|shrinking|more jobs|fewer jobs|less jobs|job security|secure|stable|prospects|outlook|safe career|future proof|booming|hiring more|will * exist|will * be around|in 10 years|in ten years|by 2035|next few years|years time|lots of jobs in|plenty of jobs|is it easy to get a job|hard to get a job|competitive|oversubscribed|saturated", label: IntentOutlook, weight: 2.5},

	{pattern: "is it worth|worth it|worth going into|pointless|any point", label: IntentOutlook, weight: 1.5},

	// pay (an occupation's pay)
	{pattern: "salary|salaries|wage|wages|earn|earns|earning|earnings", label: IntentPay, weight: 2.5},
	{pattern: "paid|pay|pays|payed|income|money|how much do/does/would/will/can * make|how much can i make|how much would i make|how much do you make|make a year|take home|per hour|hourly|hourly rate|rate of pay|pay rate|day rate|annual|annually|an hour|a year|per year|per annum|a month|a week|per week|minimum wage|starting salary|how much do/does/would/will/can * get|rich|well off|how much", label: IntentPay, weight: 2},

	{pattern: "what do/does ** do", label: IntentDescribe, weight: 1.2},
	// single words: weak evidence, enough to beat "occupation only" and to tip a contest
	{pattern: "uni|university|degree|study|studying|gcses|gcse|grades|college|years of uni/university/training/study|to be a/an OCC|need a levels|need gcses|level 2/3/4/5/6", label: IntentEntry, weight: 1.2, flags: ucNeedOcc},
	{pattern: "christmas|easter|evening|evenings|mornings|lates|earlies|weekend|weekends|shift|shifts|what time|start work|finish work|start and finish|night|late|early|days a week|every day|daily|rota", label: IntentHours, weight: 1.5, flags: ucNeedOcc},
	{pattern: "lots of jobs|plenty of jobs|many jobs|enough jobs|loads of jobs|jobs for OCC|still|anymore|any more", label: IntentOutlook, weight: 1.5, flags: ucNeedOcc},
	{pattern: "rate|cash|paycheck|payslip|£|k a year|grand", label: IntentPay, weight: 1.2, flags: ucNeedOcc},

	// describe (an occupation)
	{pattern: "what does/do * do|what is/are a/an/the? OCC|what is being a/an? OCC|what does/do a/an? OCC involve|describe|description|tell me about|tell me more|more about|about being a/an|info on|info about|information on|information about|what is it like|what would i do|what will i do|day to day|day in the life|typical day|what is involved|involve|duties|responsibilities|tasks|what kind of work|what sort of work|what type of work|role of|job of|what is the job|explain|what do they do|what does it involve|who are OCC|what exactly", label: IntentDescribe, weight: 2, flags: ucNeedOcc},

	// suggest
	{pattern: "like|likes|liked|love|loves|enjoy|enjoys|enjoyed|into|good at|great at|passionate about|interested in|interest in|obsessed with|fan of|keen on|favourite|fav", label: IntentSuggest, weight: 0.75},
	{pattern: "what job/jobs/career/careers could/can/should/would/might i/suit|what could i be|what could i do|what can i do|what should i do|what should i be|what can i be|what would suit|suit me|suits me|suited to|for me|right for me|what career|which career|what careers|which careers|career ideas|job ideas|ideas for|when i grow up|when i am older|when i leave school|after school|no idea|no clue|not sure what|do not know what|unsure what|undecided|confused about|lost about|help me choose|help me decide|help me pick|help me find a job/career|pick a job/career|choose a job|find a career|choose a career|pick a career|recommend|suggest|suggestions|what jobs are there|what jobs can i|what jobs could i|what jobs should i|what jobs would|what jobs are good|jobs are fun|fun jobs|cool jobs|interesting jobs|easy jobs|jobs that are fun|jobs are good for|job for me|what to do|what i want to do|what to do after|options after|what are my options|options", label: IntentSuggest, weight: 2},
	{pattern: "jobs for someone who/that|jobs for people who|job for someone|jobs where|jobs working with|jobs with|jobs involving|jobs that involve|jobs * involve|jobs involve|job working|a job with|a job where|a job that|job outside|job outdoors|job involving|jobs related to|jobs to do with|careers involving|careers in|careers with|work with|working with|career for|creative|practical|jobs for|careers for", label: IntentSuggest, weight: 2, flags: ucNoOcc},
	{pattern: "would like|is it like|it like|like to be a/an? OCC|your favourite|you like|you enjoy|do you like|do you love", label: IntentSuggest, weight: -2},

	// social messages
	{pattern: "^hello|^helo|^hellooo|^hi|^hiya|^heya|^hey|^hii|^hiii|^yo|^alright|^ey|^oi|^howdy|^sup|^wassup|^wagwan|^hola|^greetings|^good morning/afternoon/evening|^morning|^afternoon|^evening|^what is up|^start|^lets start|^hey there|^hi there|^hello there|^how are you|^you alright|^hey bot|^hi bot", label: IntentGreet, weight: 1.5},
	{pattern: "bye$|good bye$", label: IntentBye, weight: 2.5},
	{pattern: "bye|good bye|see you|see you later|^later$|laters|got to go|have to go|i am off|ttyl|good night|^night$|take care|cheerio|ta ra|tara|i am done|that is all|that is it|end chat|^stop$|^stop it$|^stop now$|stop talking|stop chatting|^exit|^quit|peace out|catch you later", label: IntentBye, weight: 1.5},
	{pattern: "thanks|thank you|thank|cheers|^ta$|^ta|appreciate it|appreciated|that helps|that helped|helped a lot|nice one|legend|great thanks|brilliant|perfect|awesome|sound|much appreciated|ta very much|many thanks", label: IntentThanks, weight: 2},
	{pattern: "are you a bot/robot/human/person/ai/chatbot|are you real|are you human|are you a real person|is this a bot|is this a real person|how does this * work|how does the bot work|how do you work|^help$|help me|^help|what do you do|what can you do|what do you know|how does this work|how does it work|what are you|who are you|what is this|what is this bot|how do i use|how do i use this|what can i ask|what should i ask|what can you help with|how can you help|can you help|instructions|menu|commands|what do i do|how do you work|what is careersbot|i need help|need help|help please|please help|confused|i am stuck|stuck", label: IntentHelp, weight: 1.5},
}
