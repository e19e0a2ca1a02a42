package dialog

// ucCueSpecsMore are cues added after an independent review found whole kinds of question
// the first table missed: working days ("do they work saturdays"), whether a job has a
// future ("is there going to be work for", "a need for more"), suggestions ("what job suits
// someone who", "what jobs can i get with no qualifications", "but not a doctor"), booking
// an appointment, advertised jobs, and "wages for" as a pay question.
var ucCueSpecsMore = []ucPatternSpec{
	// entry: age and eligibility ("can i work as a waiter at 14", "am i old enough")
	{pattern: "can/could i work as a/an? OCC|am i old enough|old enough to work/be/become/join|how old do i/you have to be|how old do i/you need to be|minimum age|age limit|too old to|too young to", label: IntentEntry, weight: 2.8},
	// hours: working in all weathers ("do builders work when it's snowing")
	{pattern: "when it is snowing/raining/cold/hot/freezing|in the snow/rain/cold/heat|in bad weather|in all weathers|all weathers", label: IntentHours, weight: 2.6, flags: ucNeedOcc},
	// entry: a subject needed for a job ("do i need maths for accounting")
	{pattern: "do i/you need|need maths/english/science/physics/chemistry/biology/art/gcses for|need a levels for|need to be good at maths/english/science", label: IntentEntry, weight: 2.6, flags: ucNeedOcc},
	// best_paid: "which jobs pay best"
	{pattern: "pay/pays/paid best|earn/earns best|pay the most money", label: IntentBestPaid, weight: 4, flags: ucNoOcc},
	// vacancies: finding part-time or weekend work
	{pattern: "find/get part time work/job/jobs|find/get a part time job|find/get weekend/saturday/summer/holiday/evening work/jobs/job|find/get a weekend/saturday/summer/holiday/evening job", label: IntentVacancies, weight: 3.5},
	// bye: "ta ra" is goodbye, not thanks
	{pattern: "^ta ra$|^tara$|^ta ra for now|^ta ra then", label: IntentBye, weight: 3},
	// outlook: "is there much call for translators"
	{pattern: "much call for|any call for|a call for|big call for|much need for|much work for|much work around for", label: IntentOutlook, weight: 3},
	// handoff: frustration with the bot itself ("i hate this bot")
	{pattern: "hate this bot|hate you|hate this chat|hate this thing|this bot is rubbish/useless/stupid/annoying|you are annoying|you are rubbish|you are stupid", label: IntentHandoff, weight: 2.5},
	// describe, as a follow-up about the last job ("what's the day to day like")
	{pattern: "day to day|typical day|day in the life|what is the job like|what does it involve|what would i do|what will i do|what do you do all day|what is involved|what are the duties", label: IntentDescribe, weight: 2, flags: ucNoOcc},
	// suggest: a dislike said on its own changes what suits ("actually i don't like blood")
	{pattern: "do not like|do not enjoy|can not stand|not a fan of|not into|hate|i am bad at|i am rubbish at|i am not good at|i am terrible at", label: IntentSuggest, weight: 1, flags: ucNoOcc},
	// entry: "nursing degrees, do i need one"
	{pattern: "do/would/will i/you need one|need one to|is one needed|is it needed|is it required|is it essential", label: IntentEntry, weight: 2.6, flags: ucNeedOcc},
	// suggest: earning money soon with no job in mind ("want to earn money asap")
	{pattern: "want/need/have to earn/make some? money|earn/make money asap/fast/quick/quickly/now|earn/make some money|start earning|start earning money", label: IntentSuggest, weight: 3.2, flags: ucNoOcc},
	// vacancies: "electrician apprenticeships - any in cardiff?"
	{pattern: "any in PLACE|any near/around PLACE|any going in/near/around|any round here|any near me|any around here|any available|any going", label: IntentVacancies, weight: 3.2},
	// describe: "what do you know about architects"
	{pattern: "know about|what do you know about|what can you tell me about|anything about|info about|facts about", label: IntentDescribe, weight: 2.6, flags: ucNeedOcc},
	// pay while training ("do you get paid while training to be a nurse")
	{pattern: "paid while/during/when training/studying/learning|paid while/when you/i train/study|paid to train/study/learn|paid for training|paid at uni/college|paid as an apprentice|paid as a trainee|earn while you learn|earn while i learn|earn while training|earn and learn|wage while training|get paid to learn", label: IntentPay, weight: 3.6},
	// outlook: "will we always need hairdressers"
	{pattern: "always need/needed|always be needed/wanted|always be in demand|will we/people/they still need|will we/people/they need|will there always be|will * always be needed", label: IntentOutlook, weight: 3},
	// outlook without a job: "the best jobs for the future", "jobs in demand"
	{pattern: "jobs/careers/job/career for/of the future|jobs/careers that will be in demand|jobs/careers in demand|in demand jobs/careers|most in demand|growing jobs/careers/industries|jobs/careers that are growing|future proof jobs/careers|jobs/careers with a future", label: IntentOutlook, weight: 4},
	// suggest: choosing school subjects ("what gcses to pick")
	{pattern: "what/which gcses/subjects/options to pick/choose/take/do|what/which gcses/subjects/options should i pick/choose/take/do|what/which a levels to pick/choose/take/do|what/which a levels should i pick/choose/take/do|choose/choosing/pick/picking my gcses/options/subjects|choose/choosing/pick/picking my a levels|gcse options|a level options", label: IntentSuggest, weight: 3.5, flags: ucNoOcc},
	// greet: "u there?"
	{pattern: "^you there|^are you there|^anyone there|^is anyone there|^is anybody there|^anybody there|^hello anyone", label: IntentGreet, weight: 2},
	// pay: overtime pay
	{pattern: "paid overtime|overtime pay|pay overtime|paid for overtime|overtime rate|paid extra|get extra pay|extra pay", label: IntentPay, weight: 3.2},
	// outlook: how hard finding work is, how many people do a job
	{pattern: "how hard/easy/difficult/tough is it to get/find a/any? job/jobs/work|hard/easy/difficult/tough is it to get/find a/any? job/jobs/work|how many people work as/in|how many people are OCC|how many OCC are there|how many people do this/that job|number of people working as/in|how many people are employed as/in", label: IntentOutlook, weight: 3.6},
	// delete_data: "get rid of my info"
	{pattern: "get rid of my data/info/information/details/account/messages/chat/chats/history/stuff|remove me from|take my data/info/details off", label: IntentDeleteData, weight: 6},
	// describe: the skills and qualities a job takes ("what skills do i need to be a good
	// mechanic"): the job's own skills and knowledge, as in the describe reply
	{pattern: "what skills|which skills|skills do i/you need|skills needed|skills you need|skills for|skills to be|qualities do i/you need|what qualities", label: IntentDescribe, weight: 3.6, flags: ucNeedOcc},
	{pattern: "what experience do i/you need", label: IntentEntry, weight: 3},
	// hours: where and when the work happens ("do firefighters sleep at the station")
	{pattern: "sleep at/in the? work/station/hospital/base/job|sleep there|stay overnight|stay over|live at the|live on site|away from home|time away|work away|weeks away|months at sea|at sea for", label: IntentHours, weight: 2.6, flags: ucNeedOcc},
	// suggest: "i want to help animals", "i wanna work with kids"
	{pattern: "want to help|like helping|help animals/people/kids/children/others|help the environment/planet|want to work with|want a job with|want a job working|want to work outside/outdoors|want to make a difference", label: IntentSuggest, weight: 1.5, flags: ucNoOcc},
	// best_paid: "what are the best jobs in wales"
	{pattern: "what are the best/top jobs/careers|what is the best job/career|best/top jobs/careers in PLACE|best/top jobs/careers in the uk/country/area|best/top jobs/careers around/near here|best/top jobs/careers$|best job/career$", label: IntentBestPaid, weight: 3.6, flags: ucNoOcc},
	// suggest: a person describing themselves ("i'm sporty", "i'm really arty"); needs an
	// interest or a dislike to reach the least score
	{pattern: "i am|i am quite|i am really|i am very|i am pretty|i am so", label: IntentSuggest, weight: 0.75, flags: ucNoOcc},
	// entry follow-ups: "can i do it without going to college", "how do i get in without a degree"
	{pattern: "without going to uni/university/college/sixth|without uni/university/college/gcses|without a levels|without a/an? degree|without doing a/an? degree/apprenticeship/course|without qualifications|without any qualifications|do it without|get in without|how do i/you get in|how can i/you get in|how to get in|way in|ways in|get in to it|get into it|do i need to go to college/uni/university|need a levels|need gcses|need college|straight from school|after my gcses|after a levels|leave school at 16", label: IntentEntry, weight: 2.6},
	// hours: days of the week and holidays
	{pattern: "saturdays|sundays|saturday|sunday|weekdays|mondays|fridays|bank holiday|bank holidays|christmas|new year|new years|boxing day|easter|overnight|overnights|nightshift|nightshifts|on call|unsociable hours|unsocial hours|anti social hours|12 hour|twelve hour|rota|rotas|days off|weekends off|week off|time off", label: IntentHours, weight: 2.5, flags: ucNeedOcc},
	{pattern: "work/working saturdays/sundays/weekends/nights/evenings/christmas/holidays|work/working on/at/over saturdays/sundays/saturday/sunday/weekends/christmas/holidays/bank|what days|which days|how many shifts|what shifts|shift patterns|how early|how late|get weekends off|get holidays|get time off|how much holiday|holiday do * get|is it 9 to 5|is it nine to five|work 9 to 5|work from home|work from home|hours like|hours are like", label: IntentHours, weight: 3},

	// outlook
	{pattern: "is/are there going to be * jobs/work/demand/need|going to be jobs/work/demand|going to be any jobs/work|going to be enough|there be jobs/work/demand|be jobs for|be work for|will there be|will there still be|are there enough jobs|is there a need for|a need for|need for more|need more|more * needed|are * needed|is * needed|still needed|still be needed|still need|good career for the future|career for the future|job for the future|a future in|future in|a future for|any future|future proof|jobs in the future|in the future|safe job|safe career|job with a future|career with a future|long term|take over|taken over|take their jobs|take our jobs|going to take|shortage of|short of|crying out for|desperate for|lack of|running out of|increasing|increase|decreasing|on the rise|going up|going down|growing field|growing industry|growing area|a growing|is there work for|is there much work|lots of work|plenty of work|much demand|any demand|demand like", label: IntentOutlook, weight: 3},

	// suggest
	{pattern: "suits someone|suit someone|suits a person|suit a person|suits people|suit people|suited for|suited to|suitable for me|suitable for someone|jobs suit|job suits|job would suit|jobs would suit|job that suits|jobs that suit|job to suit|jobs to suit|what job would|what jobs would|what kind of job|what kind of jobs|what sort of job|what sort of jobs|what type of job|what type of jobs|what jobs can i get|jobs can i get|jobs i can get|jobs i could get|jobs could i get|jobs can i do|jobs i can do|jobs could i do|what can i do with|what could i do with|what can i do if|what could i do if|what jobs are there for|jobs for someone with|jobs for people with|jobs with no/without qualifications/gcses/experience/degree/grades|jobs you can get with no/without|job with no/without qualifications/gcses/experience/degree/grades|work with no/without qualifications/experience|other jobs|other careers|similar jobs|jobs like|something like|alternatives to|alternative to|anything but|anything except|apart from being|other than being|instead of being|but not a/an? OCC|but not as a/an? OCC|similar to|jobs similar|careers similar|like being a/an OCC|not want to be/become/work/do/train a/an/as/in? OCC|not want to be/become/work/do/train|never want to be/become|not interested in being|not sure i want to be|what else could/can i", label: IntentSuggest, weight: 3},

	// handoff: appointments and advisers
	{pattern: "book/make/get/arrange/schedule/need/want/have me? a/an? careers? appointment/meeting/interview/session/chat/call|careers appointment/meeting/interview/session|see a/an/the? careers? adviser/advisers/advisor/person|speak/talk to careers|careers service|careers office|careers team|one to one|1 to 1|face to face|in person appointment", label: IntentHandoff, weight: 5},

	// vacancies: advertised jobs
	{pattern: "advertised|advertising|being advertised|posted|job postings|postings|listings|job listings|out there|up for grabs|on offer|taking on|taking people on|jobs going|how many OCC jobs|how many jobs are there|how many jobs are|how many job|number of jobs|number of vacancies|current jobs|jobs right now|jobs at the moment", label: IntentVacancies, weight: 3.5},

	// pay: "what would a physio be on", "is 30k normal for a teacher", "what do barbers make"
	{pattern: "what would/will/do/does/is/are/can * be on|what are OCC on|what is a/an? OCC on|be on a year|on a year|k|grand|quid|pounds|what do/does/would/will/can OCC make|what do/does/would/will/can a/an OCC make|OCC make$|OCC make a|normal pay|normal salary|decent pay|good pay|bad pay|low pay|underpaid|overpaid|paid enough|paid well|paid badly|paid much", label: IntentPay, weight: 2.6, flags: ucNeedOcc},

	// outlook: how hard it is to find work
	{pattern: "short supply|in short supply|hard/easy/difficult/tough to find/get work/jobs|hard/easy/difficult/tough to find/get a job|hard/easy/difficult/tough to get into|hard/easy/difficult/tough to get in$|hard/easy/difficult/tough to get a job as/in|find work as|get work as|lots of competition|much competition|too many people|oversaturated|over saturated", label: IntentOutlook, weight: 3.5},

	// hours: part time in a job
	{pattern: "OCC part time|part time OCC|part time as a/an? OCC|work part time|part time hours|full time hours|job share|term time|term time only", label: IntentHours, weight: 3, flags: ucNeedOcc},

	// suggest: "good for a shy person", "jobs can you do with", "not a vet"
	{pattern: "job is good for|jobs are good for|job good for|jobs good for|good for a/an? * person|good for someone|good for people|good job for|good jobs for|best job for me|best jobs for me|right job for|right career for|jobs can you do|jobs can you get|jobs you can do|jobs you can get|what can you do with|what could you do with", label: IntentSuggest, weight: 2.6, flags: ucNoOcc},
	{pattern: "not a/an OCC|so not OCC|not be/become a/an? OCC|not to be/become a/an? OCC|not being a/an? OCC|other than a/an? OCC|except a/an? OCC", label: IntentSuggest, weight: 2.5, flags: ucNeedOcc},

	// compare: explicit words with two jobs named outweigh the pay or hours asked about
	{pattern: "compare|comparing|comparison|compared|versus|vs|difference|differences|which pays more|which earns more|which is better|which one is better", label: IntentCompare, weight: 4, flags: ucNeed2Occ},
	// compare: "paid more than a vet nurse"
	{pattern: "more than|less than|than a/an OCC|than OCC|harder|easier|higher|lower|better paid|worse paid|paid more|paid less|earn more|earn less|more money|more hours|fewer hours|more jobs", label: IntentCompare, weight: 3.5, flags: ucNeed2Occ},

	// vacancies: part-time work near me
	{pattern: "part time work/job/jobs near/in/around/for|work near me|job near me|jobs near me|work for students|jobs for students|student jobs|weekend work near|holiday jobs|summer work", label: IntentVacancies, weight: 3.2},

	// handoff: a careers person
	{pattern: "real careers? adviser/advisers/person/human/people|careers person/lady/man/woman/guy/teacher/officer|help from a/an/the/my? real? careers? adviser/person/human/teacher|speak/talk/chat with/to my/the/a? school careers|speak/talk/chat with/to my/the/a? school adviser", label: IntentHandoff, weight: 5},

	// help: what to ask
	{pattern: "what sort/kind/type of questions|what questions can/should/do i|what can i ask|what should i ask|what do i ask|questions can i ask|things can i ask|what are you for|what is the point of you|what is this for", label: IntentHelp, weight: 2.5},

	// describe: skills and qualities
	{pattern: "what skills|skills do you/i need|skills needed|skills for a/an? OCC|skills does a/an? OCC|what qualities|qualities do you/i need|what personality|personality for|what makes a good|good at to be", label: IntentDescribe, weight: 3, flags: ucNeedOcc},

	// outlook: is it a good time, a good career
	{pattern: "good/bad/right/best time to become/be/get/go/start/train/join|good career choice|is it a good career|a good career to|good career to get/go|good job to get/go into|is it worth becoming|worth becoming|worth training|worth getting into|worth going into|a good job for the future|a good career option|good prospects", label: IntentOutlook, weight: 3.5},

	// hours: working in the holidays
	{pattern: "work/working/works in/during/over/through the? holidays/summer/winter/rain/snow/cold/dark/heat/night/nights/evenings/weekend/weekends/christmas/easter|in the holidays|during the holidays|school holidays|half term", label: IntentHours, weight: 4, flags: ucNeedOcc},

	// suggest: what else, jobs where you get to
	{pattern: "what else is there|what else is out there|something else|other options|other ideas|anything else i could|what other jobs/careers|jobs where you/i get/can|job where you/i get/can|jobs that let you|get to travel", label: IntentSuggest, weight: 3.5, flags: ucNoOcc},
	{pattern: "what else is there|what else is out there|other options|something else|what other jobs/careers", label: IntentSuggest, weight: 3, flags: ucNeedOcc},

	// outlook: struggling to find work
	{pattern: "struggling/struggle/struggles/struggled to find/get work/jobs|struggling/struggle/struggles/struggled to find/get a job|find it hard to find/get", label: IntentOutlook, weight: 4},

	// vacancies: find me care work
	{pattern: "find/get me a/an/some? OCC|find/get me? a/an/some? OCC job/jobs/work/role/roles", label: IntentVacancies, weight: 3.6, flags: ucNeedOcc},

	// delete_data: forget what i told you
	{pattern: "forget everything|forget what i told/said/wrote|forget everything i told/said/wrote|forget all of it|forget all that|erase everything i said", label: IntentDeleteData, weight: 6},

	// entry: is uni needed to be a journalist
	{pattern: "needed/required/necessary to be/become|uni/university/degree/gcses/qualifications/grades/maths/english/science needed/required/necessary|is uni/university needed/required|is a degree needed/required|need uni/university to|need a degree to", label: IntentEntry, weight: 3.5},

	// hours: 9-5
	{pattern: "9 5|9 till/til/until 5|nine till/til/until five|nine five|9 5 job", label: IntentHours, weight: 3},

	// handoff: a person instead
	{pattern: "can/could a/an person/human/adviser/advisor help|a person/human/adviser instead|someone else help|speak to someone else|talk to someone else|instead of a bot|instead of you|connect me to careers|connect me with careers|connect me to someone|connect me to a/an person/human/adviser", label: IntentHandoff, weight: 5},

	// bye and help, short forms
	{pattern: "^gtg|^g2g|^brb|^got to go|^see you|^gn$|^nite$|^night night", label: IntentBye, weight: 2.5},
	{pattern: "what can this/the * do|what does this * do|what is this bot/thing/app for|what do/can you help with|what can you help me with|how can this * help", label: IntentHelp, weight: 2.5},

	// best_paid: "what jobs earn 100k"
	{pattern: "jobs/job/careers/career * earn/pay/paying/make * k|earn/pay/paying/make/earning * k a year|six figures|6 figures|k plus|k or more|over * k|more than * k", label: IntentBestPaid, weight: 4, flags: ucNoOcc},

	// apprenticeships: "how do i get an X apprenticeship" asks the way in, "are there any
	// apprenticeships for X in Y" asks for openings; "carers needed near BS5" is an advert
	{pattern: "how do/can/would/could i/you get/find/start a/an OCC apprenticeship|how to get a/an OCC apprenticeship|how do/can i get/find an apprenticeship as/in", label: IntentEntry, weight: 3.7},
	{pattern: "any apprenticeships/apprenticeship for/in|are there apprenticeships for * in PLACE|apprenticeships/apprenticeship for OCC in/near/around", label: IntentVacancies, weight: 3.7},
	{pattern: "OCC needed/wanted near|OCC wanted in/at/around|needed near PLACE|wanted near PLACE|needed near me|wanted near me", label: IntentVacancies, weight: 3.6},

	// entry: "get in to the police"
	{pattern: "get/getting/go/going in to|get in to the", label: IntentEntry, weight: 2.5},

	// vacancies: a saturday job
	{pattern: "saturday/weekend/summer/holiday/evening job|part time job|looking for a * job|looking for * work|looking for work", label: IntentVacancies, weight: 3.3},

	// outlook: "a good job these days"
	{pattern: "is being a/an? OCC a good job/career|is OCC a good job/career|a good job/career these days|still a good job/career", label: IntentOutlook, weight: 3, flags: ucNeedOcc},
	{pattern: "these days|nowadays|now days", label: IntentOutlook, weight: 1.5, flags: ucNeedOcc},

	// greetings written long
	{pattern: "^heyy|^heyyy|^heey|^heyo|^hiyaa|^hiyaaa|^helloo|^hellooo|^hii|^hiii|^hiiii|^hey hey|^hi hi|^yoo|^yooo", label: IntentGreet, weight: 1.5},

	// pay: "wages for", "salary of"
	{pattern: "wages/wage/salary/salaries/pay/earnings/income for/of/as a/an? OCC", label: IntentPay, weight: 3.6, flags: ucNeedOcc},
	{pattern: "OCC wages/wage/salary/salaries/pay/earnings", label: IntentPay, weight: 3, flags: ucNeedOcc},
	{pattern: "wages/wage/salary/salaries/pay/earnings for/of", label: IntentPay, weight: 3.3, flags: ucNoOcc},
}

// ucNegatedCue reports whether the cue at ctoks[start] is negated: "do not want to be a
// vet", "never become a", "not want to go into". A negated entry or "want to be" cue says
// what the person does not want, so it does not count.
func ucNegatedCue(ctoks []ucToken, start int) bool {
	at := func(i int) string {
		if i < 0 || i >= len(ctoks) {
			return ""
		}
		return ctoks[i].s
	}
	neg := func(s string) bool { return s == "not" || s == "never" }
	p1, p2, p3 := at(start-1), at(start-2), at(start-3)
	switch {
	case neg(p1):
		return true
	case (p1 == "a" || p1 == "an" || p1 == "as" || p1 == "be") && neg(p2):
		return true // "not a vet or a zookeeper"
	case (p1 == "want" || p1 == "like" || p1 == "going" || p1 == "planning") && neg(p2):
		return true
	case p1 == "to" && (p2 == "want" || p2 == "like" || p2 == "going" || p2 == "planning") && neg(p3):
		return true
	}
	return false
}
