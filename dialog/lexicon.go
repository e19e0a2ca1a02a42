package dialog

// This file holds the word lists the understander and the safeguarding gate use. They are
// read-only tables, built once.

// ucSpellings maps one normalised word (lowercase, apostrophes dropped) to the plain words
// it stands for: contractions and common texting spellings.
var ucSpellings = map[string][]string{
	// contractions (apostrophes are dropped before this look-up)
	"im": {"i", "am"}, "ive": {"i", "have"}, "id": {"i", "would"},
	"youre": {"you", "are"}, "youve": {"you", "have"}, "youd": {"you", "would"},
	"theyre": {"they", "are"}, "weve": {"we", "have"}, "theyve": {"they", "have"},
	"hes": {"he", "is"}, "shes": {"she", "is"}, "its": {"it", "is"}, "thats": {"that", "is"},
	"whats": {"what", "is"}, "wats": {"what", "is"}, "wots": {"what", "is"}, "whos": {"who", "is"},
	"wheres": {"where", "is"}, "hows": {"how", "is"}, "theres": {"there", "is"}, "heres": {"here", "is"},
	"dont": {"do", "not"}, "doesnt": {"does", "not"}, "didnt": {"did", "not"},
	"cant": {"can", "not"}, "cannot": {"can", "not"}, "wont": {"will", "not"}, "isnt": {"is", "not"},
	"arent": {"are", "not"}, "wasnt": {"was", "not"}, "werent": {"were", "not"},
	"havent": {"have", "not"}, "hasnt": {"has", "not"}, "hadnt": {"had", "not"},
	"shouldnt": {"should", "not"}, "couldnt": {"could", "not"}, "wouldnt": {"would", "not"},
	"mustnt": {"must", "not"}, "aint": {"is", "not"},
	"theyll": {"they", "will"}, "theyd": {"they", "would"}, "youll": {"you", "will"},
	"itll": {"it", "will"}, "hed": {"he", "would"}, "wouldve": {"would", "have"},
	"couldve": {"could", "have"}, "shouldve": {"should", "have"},
	"wanna": {"want", "to"}, "wana": {"want", "to"}, "gonna": {"going", "to"}, "gunna": {"going", "to"},
	"gotta": {"got", "to"}, "tryna": {"trying", "to"}, "hafta": {"have", "to"}, "kinda": {"kind", "of"},
	"dunno": {"do", "not", "know"}, "idk": {"i", "do", "not", "know"}, "idc": {"i", "do", "not", "care"},
	"imma": {"i", "am", "going", "to"}, "ima": {"i", "am", "going", "to"},
	"dnt": {"do", "not"}, "dont't": {"do", "not"}, "cnt": {"can", "not"},
	// texting spellings
	"u": {"you"}, "ya": {"you"}, "yu": {"you"}, "ur": {"your"}, "yr": {"year"}, "yrs": {"years"},
	"r": {"are"}, "wat": {"what"}, "wot": {"what"}, "wht": {"what"}, "wut": {"what"}, "whta": {"what"},
	"hw": {"how"}, "hiw": {"how"}, "pls": {"please"}, "plz": {"please"}, "plez": {"please"},
	"sal": {"salary"}, "sallary": {"salary"}, "salery": {"salary"}, "salry": {"salary"},
	"thx": {"thanks"}, "thnx": {"thanks"}, "thanx": {"thanks"}, "thnks": {"thanks"}, "tnx": {"thanks"},
	"ty": {"thank", "you"}, "tysm": {"thank", "you"}, "tyvm": {"thank", "you"},
	"cya": {"see", "you"}, "ppl": {"people"}, "bc": {"because"}, "cos": {"because"}, "coz": {"because"},
	"cuz": {"because"}, "bcos": {"because"}, "becos": {"because"}, "abt": {"about"}, "bout": {"about"},
	"wiv": {"with"}, "wen": {"when"}, "hv": {"have"}, "av": {"have"}, "shud": {"should"}, "cud": {"could"},
	"wud": {"would"}, "becum": {"become"}, "becom": {"become"}, "rly": {"really"}, "luv": {"love"},
	"wrk": {"work"}, "hrs": {"hours"}, "hr": {"hour"}, "gud": {"good"}, "gd": {"good"}, "nd": {"and"},
	"tho": {"though"}, "dat": {"that"}, "da": {"the"}, "dis": {"this"}, "iz": {"is"},
	"wnt": {"want"}, "knw": {"know"}, "kno": {"know"}, "bf": {"boyfriend"}, "gf": {"girlfriend"},
	"mam": {"mum"}, "mom": {"mum"}, "mommy": {"mum"}, "mummy": {"mum"}, "daddy": {"dad"},
	"selfharm": {"self", "harm"}, "selfharming": {"self", "harming"}, "selfharmed": {"self", "harmed"},
	"alevels": {"a", "levels"}, "alevel": {"a", "level"}, "howmuch": {"how", "much"},
	"thankyou": {"thank", "you"}, "thankz": {"thanks"}, "goodbye": {"good", "bye"},
	"gbye": {"good", "bye"}, "byee": {"bye"}, "byeee": {"bye"}, "byebye": {"bye", "bye"},
	"appr": {"apprenticeship"}, "apprentiship": {"apprenticeship"}, "apprenticship": {"apprenticeship"},
	"apprentship": {"apprenticeship"}, "qualifcations": {"qualifications"}, "qualifactions": {"qualifications"},
	"qualfications": {"qualifications"}, "quals": {"qualifications"}, "requirments": {"requirements"},
	"becaome": {"become"}, "bcome": {"become"}, "earnt": {"earn"}, "ern": {"earn"}, "urn": {"earn"},
	"payed": {"paid"}, "mony": {"money"}, "monney": {"money"}, "wage": {"wage"}, "wagez": {"wages"},
	"vacancys": {"vacancies"}, "hirin": {"hiring"}, "carreer": {"career"}, "carrer": {"career"},
	"carreers": {"careers"}, "carrers": {"careers"}, "carer's": {"carers"}, "jobz": {"jobs"},
	"hardwork": {"hard", "work"}, "nite": {"night"}, "nites": {"nights"}, "wkend": {"weekend"},
	"wkends": {"weekends"}, "advisor": {"adviser"}, "advisors": {"advisers"}, "hooman": {"human"},
	"someone's": {"someones"}, "sumone": {"someone"}, "sum1": {"someone"}, "some1": {"someone"},
	"any1": {"anyone"}, "no1": {"no", "one"}, "every1": {"everyone"},
	"pd": {"paid"}, "skool": {"school"}, "skl": {"school"}, "jobb": {"job"}, "wrking": {"working"},
	"teh": {"the"}, "hte": {"the"}, "wich": {"which"}, "whch": {"which"}, "becuase": {"because"},
	"bcoz": {"because"}, "ppls": {"people"}, "somthing": {"something"}, "sumthing": {"something"},
	"in2": {"into"}, "gr8": {"great"}, "2day": {"today"}, "2moro": {"tomorrow"}, "2nite": {"tonight"},
	"4ever": {"forever"}, "h8": {"hate"}, "h8s": {"hates"}, "no1s": {"no", "one", "is"},
	"payin": {"paying"}, "earnin": {"earning"}, "workin": {"working"}, "lookin": {"looking"},
	"goin": {"going"}, "doin": {"doing"}, "gettin": {"getting"}, "trainin": {"training"},
	"startin": {"starting"}, "thinkin": {"thinking"}, "compair": {"compare"}, "comparsion": {"comparison"},
	"halp": {"help"}, "hlp": {"help"}, "hepl": {"help"},
	"needa": {"need", "to"}, "hafto": {"have", "to"}, "wanted2": {"wanted", "to"},
}

// ucNumberWords are spelled-out ages.
var ucNumberWords = map[string]int{
	"eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
	"fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
	"twentyone": 21, "twentytwo": 22, "twentythree": 23, "twentyfour": 24, "twentyfive": 25,
}

// ucOrdinals are the choice words ("the second one").
var ucOrdinals = map[string]int{
	"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
	"fifth": 5, "5th": 5, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
}

// ucLexEntry is a phrase pattern (see ucCompile for the syntax) and the normalised word it
// stands for.
type ucLexEntry struct {
	pattern string
	word    string
}

// ucInterestLexicon maps what people say they like to normalised interest words, the words
// lmi.SuggestQuery understands.
var ucInterestLexicon = []ucLexEntry{
	{"animal|animals|pets|pet|dogs|dog|cats|cat|horses|horse|wildlife|puppies|zoo|zoos", "animals"},
	{"sport|sports|football|footy|rugby|cricket|tennis|netball|basketball|athletics|swimming|gym|fitness|boxing|running|exercise|dance|dancing|sporty|athletic|active|sportsy|sporting", "sport"},
	{"art|arts|drawing|draw|painting|paint|sketching|creative|design|designing|illustration|arty|artsy|artistic", "art"},
	{"computers|computer|gaming|games|video games|coding|code|programming|tech|technology|laptops|robots|robotics|ai|techy|techie|geeky|computer games|pc", "computers"},
	{"helping people|helping others|help people|help others|helping|caring for people|looking after people|caring", "helping people"},
	{"fixing things|fix things|fixing|repairing|repairing things|taking things apart|mending things|engines", "fixing things"},
	{"science|experiments|scientific|lab", "science"},
	{"maths|math|mathematics|numbers|sums", "maths"},
	{"music|singing|sing|guitar|piano|drums|instruments|djing|musical", "music"},
	{"cars|car|motorbikes|bikes|vehicles|driving", "cars"},
	{"outdoors|outside|nature|being outside|the outdoors|gardening|plants|farming|countryside|outdoorsy|hiking|camping", "outdoors"},
	{"cooking|baking|food|cook|bake", "cooking"},
	{"children|kids|babies|young people|little kids", "children"},
	{"writing|reading|books|stories|poetry|write|bookworm|bookish", "writing"},
	{"fashion|clothes|makeup|make up|beauty|hair|nails", "fashion"},
	{"building|building things|construction|making things|woodwork|diy", "building"},
	{"travel|travelling|traveling|languages|the world", "travel"},
	{"money|business|selling|sales|entrepreneur|finance", "business"},
	{"law|justice|crime|police", "law"},
	{"health|medicine|the body|hospitals|nursing|medical", "health"},
	{"acting|drama|theatre|films|film|movies|media", "performing"},
	{"talking to people|meeting people|working with people|being with people|chatting to people|dealing with people|people person|a people person|chatty|sociable|outgoing|talkative", "people"},
	{"planes|aircraft|aeroplanes|aviation|airports|flying|pilots", "aircraft"},
	{"space|astronomy|planets|the stars|rockets|astronauts|astronaut", "space"},
	{"trains|railways|railway|trainspotting", "trains"},
	{"photography|photos|taking photos|taking pictures|cameras|filming|making videos", "photography"},
	{"social media|instagram|tiktok|youtube|influencer|influencers|vlogging|blogging|content creation", "social media"},
	{"psychology|how people think|the mind|how the mind works", "psychology"},
	{"politics|government|parliament|debating|debate", "politics"},
	{"environment|climate|the planet|sustainability", "environment"},
}

// ucSubjectLexicon maps school subjects to normalised subject names.
var ucSubjectLexicon = []ucLexEntry{
	{"maths|math|mathematics|further maths", "maths"},
	{"english|english language|english literature|english lit|literature", "english"},
	{"science|sciences|combined science|triple science", "science"},
	{"biology|bio", "biology"},
	{"chemistry|chem", "chemistry"},
	{"physics", "physics"},
	{"art|art and design|fine art", "art"},
	{"history", "history"},
	{"geography|geog", "geography"},
	{"computing|computer science|ict|comp sci", "computing"},
	{"dt|d and t|design and technology|design technology|product design|resistant materials", "dt"},
	{"pe|physical education|sport science|sports science", "pe"},
	{"music", "music"},
	{"languages|french|spanish|german|mfl|italian|mandarin|welsh", "languages"},
	{"business|business studies", "business"},
	{"psychology|psych", "psychology"},
	{"drama", "drama"},
	{"sociology", "sociology"},
	{"economics|econ", "economics"},
	{"religious studies|rs|re", "religious studies"},
	{"media|media studies|film studies", "media"},
	{"food tech|food technology|food and nutrition", "food"},
	{"law", "law"},
	{"health and social care", "health and social care"},
}

// ucSkillLexicon maps skills people say they have to normalised skill words.
var ucSkillLexicon = []ucLexEntry{
	{"communication|communicating|talking to people|talking|speaking", "communication"},
	{"problem solving|solving problems|puzzles", "problem solving"},
	{"teamwork|working in a team|team work|working with others", "teamwork"},
	{"leadership|leading|being in charge", "leadership"},
	{"organising|organisation|organization|planning", "organisation"},
	{"listening", "listening"},
	{"with my hands|practical|hands on", "practical"},
	{"numbers|maths|math", "numbers"},
	{"writing", "writing"},
	{"computers|coding|programming|tech", "computers"},
	{"drawing|art|design", "creativity"},
	{"fixing things|fixing|building things", "practical"},
	{"languages", "languages"},
	{"patient|patience", "patience"},
	{"caring|looking after people", "caring"},
}

// ucShortWords are texting shorthands read as a word only after certain words, so that
// "2" alone stays a choice: "how 2 become" -> "how to become", "good 4 me" -> "good for
// me", "how to b a vet" -> "how to be a vet".
var ucShortWords = map[string]struct {
	word  string
	after map[string]bool
}{
	"2": {"to", ucWordSet("how", "want", "need", "going", "have", "got", "like", "able", "love", "hard", "easy", "what", "where", "used", "trying", "wanted", "go", "talk", "speak", "due", "back", "up", "next", "according")},
	"4": {"for", ucWordSet("jobs", "job", "good", "need", "qualifications", "requirements", "training", "apprenticeships", "best", "careers", "career", "work", "options", "looking", "paid", "pay", "course", "courses", "ideas", "thanks", "thank", "you")},
	"b": {"be", ucWordSet("to", "i", "can", "will", "could", "would", "should", "might", "must", "wanna", "gonna", "not", "it", "you")},
	"n": {"and", ucWordSet("maths", "science", "art", "english", "music", "sport", "animals", "computers", "nights", "weekends", "hours", "pay", "salary", "doctor", "nurse")},
}

func ucWordSet(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// ucEverydayWords are common words the LMI store may spell-correct into a job title
// ("actually" -> actuary); a mention scored as a correction is dropped when it is one.
var ucEverydayWords = ucWordSet(
	"actually", "actual", "secure", "security", "bullying", "bully", "basically", "literally",
	"probably", "honestly", "seriously", "really", "nurture", "minor", "manor", "major", "mayor",
	"better", "butter", "letter", "latter", "matter", "bitter", "litter", "sitter", "fitter",
	"banker", "poker", "joker", "coder", "moder", "rider", "ruler", "cater", "water", "later",
	"after", "other", "mother", "father", "brother", "sister", "teach", "teacher", "cheater",
	"gamer", "gamers", "streamer", "streamers", "youtuber", "youtubers", "player", "players",
	"career", "careers", "carrier", "courier", "barrier", "painter", "pointer", "printer",
	"winter", "summer", "number", "member", "remember", "december", "november", "october",
	"september", "master", "mister", "monster", "hamster", "lobster", "poster", "roster",
	"never", "ever", "over", "under", "power", "tower", "flower", "shower", "answer", "paper",
	"proper", "upper", "super", "dinner", "winner", "corner", "owner", "partner", "leader",
	"reader", "header", "order", "border", "murder", "wonder", "wander", "anyway", "anyways",
	"tomorrow", "today", "yesterday", "maybe", "something", "nothing", "everything", "anything",
	"someone", "anyone", "everyone", "because", "though", "although", "through", "thought",
	"enough", "people", "person", "parents", "family", "friends", "school", "college", "money",
	// conditions and looks asked about in "can i be a pilot with glasses"
	"glasses", "contacts", "lenses", "tattoos", "tattoo", "piercings", "piercing", "braces",
	"asthma", "allergies", "dyslexia", "dyspraxia", "adhd", "autism", "epilepsy", "diabetes",
	"eyesight", "hearing", "nails", "hair", "beard", "height", "weight", "record", "records",
)
