package dialog

import (
	"strings"
	"sync"
)

// Safeguarding categories (SafeguardingFlag.Category).
const (
	SafeguardSuicide      = "suicide"
	SafeguardSelfHarm     = "self_harm"
	SafeguardAbuse        = "abuse"
	SafeguardGrooming     = "grooming"
	SafeguardExploitation = "exploitation"
	SafeguardBullying     = "bullying"
	SafeguardRunningAway  = "running_away"
	SafeguardDanger       = "danger"
)

// Flags on safeguarding patterns.
const (
	// sgWeak marks a topic phrase ("domestic abuse", "self harm", "homeless") that is not a
	// disclosure by itself when the message is a careers question ("what jobs help abuse
	// victims") with no first-person word near it.
	sgWeak uint32 = 1 << iota
	// sgNegatable marks a phrase that "not"/"never" just before it cancels ("i am not
	// being bullied", "i'm not in danger"). Suicide and self-harm phrases never are.
	sgNegatable
	// sgOverIdiom marks a phrase an idiom does not cancel: "he'll kill me if i tell" is a
	// threat, though "kill me if" alone is usually a figure of speech.
	sgOverIdiom
	// sgCareersMoot marks a phrase that any careers word cancels: "leave home and get my own
	// flat, what jobs pay enough" is moving out, not running away.
	sgCareersMoot
)

// sgIdiom labels phrases that cover words which would otherwise look like a disclosure:
// "i'd kill for a job like that", "killer salary", "cutting edge", "dye my hair".
const sgIdiom = "idiom"

// sgPatterns are the safeguarding patterns, most serious category first. Recall matters
// more than precision: a false alarm costs an adviser a glance, a miss can cost far more.
var sgPatterns = []ucPatternSpec{
	// suicide
	{pattern: "kill/killing/killed/kil myself|kill/killing my self|killmyself|kms|unalive/unaliving/unalived myself?|unalive|take/taking my own? life|end/ending my life|end/ending it all|end it now|end things|commit/commiting/committing suicide|suicidal|sucidal|suicidle|suicdal|attempted suicide|tried suicide|thinking of/about suicide|thoughts of suicide", label: SafeguardSuicide},
	{pattern: "suicide/sucide/suicde/suiside", label: SafeguardSuicide, flags: sgWeak},
	{pattern: "want/wish/going/ready to die|want to be dead|wish i was/were dead|wish i was/were never born|wish i had never been born|i would be better off dead|better off dead|better off without me|no reason to live|nothing to live for|no point in living|no point living|not worth living|life is not worth|life is pointless|do not want to live/exist|do not want to be alive|not want to be here anymore|do not want to be here any more|do not want to wake up|never wake up|can not go on|can not do this anymore|can not take it anymore|can not cope anymore|end it|ending it|end everything|ending everything|end it all|point in/of living|point in/of life|point to life|point in being alive|disappear forever|disappear for good|not be here anymore|if i died|if i was dead|if i was gone|if i were gone|when i am gone|would not care if i died/die|want it all to stop|want it to stop|make it all stop|deserve to die|should just die|want to be gone|planning how to|think/thinking/thought about dying/death/suicide|sleep forever|never wake up|give up on life|giving up on life|i give up|life is too hard|took/take/taking/swallowed a load/lot/bunch/handful of pills/tablets|took/take/taking all my/the pills/tablets|took/take/taking loads of pills/tablets|good bye note|good bye letter|suicide note|jump/jumping/jumped off a/the bridge/building/roof/cliff|jump/jumping in front of|noose|hate myself|feel worthless|i am worthless|feel hopeless|i am a burden|am such a burden|no one cares about me|nobody cares about me|no one would miss me|nobody would miss me|no one would care if|nobody would care if|hang/hanging myself|jump off a bridge|jump in front of a train|slit my wrists|od on|take all my pills|everyone would be better off", label: SafeguardSuicide},
	// self-harm
	{pattern: "self harm/harming/harmed/harmer/harms|self injury/injure/injuring|self hurt", label: SafeguardSelfHarm, flags: sgWeak},
	{pattern: "cut/cutting/cuts/cutted/burn/burning/burnt/harm/harming/hurt/hurting/scratch/scratching/starve/starving/punish/punishing/hitting/hit/bruise/bruising/punch/punching/punched/bite/biting/pull/pulling myself|cut/cutting my self|cut/cutting my arms/wrists/legs/thighs|cuts on my arms/wrists/legs/thighs|scars on my arms/wrists|make/making/made myself sick|make/making/made myself throw up|urge/urges to cut|been cutting|cutting again|cut again|started cutting|stop cutting|cutting my arm/arms/wrist/wrists/leg/legs|bang/banging/hit/hitting my head against|on purpose to hurt|hurt myself on purpose|starve myself|not eating|do not eat for|do not eat so|stopped eating|skip/skipping meals to be thin|purging|laxatives|blade/blades/razor/razors on my|use a blade/razor|bleed|bleeding on purpose|scars|bruises from|bruises on me|relapsed|relapse on sh|do/doing/did sh|my sh|sh again|sh scars|not eating on purpose", label: SafeguardSelfHarm},
	{pattern: "eating disorder|anorexia|anorexic|bulimia|bulimic", label: SafeguardSelfHarm, flags: sgWeak},
	// abuse
	{pattern: "hits/hit/hitting/beats/beat/beating/hurts/hurt/hurting/kicks/kicked/kicking/punches/punched/punching/slaps/slapped/slapping/chokes/choked/choking/strangles/strangled/smacks/smacked/batters/battered/abuses/abused/abusing/touches/touched/touching/rapes/raped/molests/molested/burns/burned/whips/whipped/grabs/grabbed/forces/forced/forcing/force/pushes/pushed/pushing/shoves/shoved/locks/locked/lock/starves/starved/bites/bit me/us|does/did/do things/stuff to me|get/got/getting/been beaten/hit/battered/hurt at home|beaten up at home|does/did/do sexual things|sexual things to me|bruises from my|make/makes/made me do things/stuff|hit/hits/hitting/beat/beats/beating/punch/punches me|hits/hitting/beats/beating/hurts/hurting/hit/beat my mum/mother/sister/brother/siblings|someone is touching me|touching me|touched me inappropriately|touches me|touch me down there|made me touch|makes me touch|being/been/was/am/getting/get abused|sexually abused|sexually assaulted|raped|molested|scared/afraid/frightened/terrified of my dad/mum/stepdad/stepmum/father/mother/parents/uncle/brother/boyfriend/girlfriend/carer|scared/afraid/terrified of him|violence at home|violent at home|fights at home|abuse at home|domestic violence/abuse at home|unsafe at home|not safe at home|locks me in|locked me in|do not feed me|no food at home|neglects me|neglected", label: SafeguardAbuse},
	{pattern: "violent|violence|abusive|sexual abuse|sexual assault|domestic violence|domestic abuse|abuse|rape|child abuse|neglect", label: SafeguardAbuse, flags: sgWeak},
	// grooming
	{pattern: "older man/men/guy/guys/boy/lad/woman/bloke|older boyfriend|old man online|send/sending/sent/share/sharing nudes|nudes|send/sending/sent/share him/her/them? pics/pictures/photos/picture/photo/pic of me/myself|wants/wanted/asking/asked/asks for pics/pictures/photos/nudes|wants my pics|naked pics/pictures/photos/picture/photo|naked|video call naked|wants me to send|asked me to send|asks me to send|keeps asking me to send|send him/her/them photos/pics/pictures/videos|photos of my body|pics of my body|grown up/man/woman keeps messaging/texting/dming me|adult/man/woman/guy/stranger keeps messaging/texting/dming/calling me|adult * wants to meet|wants to meet me alone|meet me alone|met on instagram/snapchat/tiktok/discord/roblox/fortnite/whatsapp/facebook/online/gaming/xbox/playstation|i met gaming|not to tell my parents/mum/dad/family/teacher/anyone|says not to tell|said not to tell|can not tell anyone|not tell anyone about us|year old boyfriend/bf/girlfriend|wants/asked/asking/asks for my address/snapchat/number/location|wants my address/snapchat/number/location|sexting|explicit pics/pictures/photos|met/meeting someone/somebody/people online|met/meeting a/an guy/man/boy/girl/woman/adult online|online friend/boyfriend/girlfriend wants/asked/asks|wants to meet me|wants to meet up|asked to meet me|asked me to meet|meet up with someone from online|someone i met online|keep it a? secret|our little secret|told me not to tell|tells me not to tell|not to tell anyone|blackmail/blackmailing/blackmailed me?|threatening to share/post/leak|leak my pics/pictures/photos|sextortion|gives me gifts|buys me things|bought me a phone|grooming me|groomed", label: SafeguardGrooming},
	// exploitation
	{pattern: "carry/carrying/carried/deliver/delivering/delivered/sell/selling/sold/hold/holding/move/moving/drop/dropping drugs|drugs for them/him|cuckooing|paying/paid/pays/pay me to deliver/carry/hold/drop/take/move|made to carry/deliver/sell/steal|making/make/makes/made me sell/hold/carry/deliver/move/hide/stash/steal|sell weed/coke/drugs/stuff/gear/pills|hold stuff/things/drugs/packages for them/him|deliver parcels/packages/stuff for a/some? guy/man/gang/them/him|or he/they will hurt me/my|or they will hurt|owe a/the/my? dealer|owe them|owe him|move stuff for|gave me a phone and|go to other towns|went to other towns|or he/they will kill me|make me carry/deliver/sell/steal|makes me carry/deliver/sell/steal|forced me to|forcing me to|force me to|owe them/him money|owe money to|in debt to|in/join/joined/joining a gang|gang members|gang wants me|took/take/kept/keep my passport|trafficked|trafficking|working for no money|not paid at all", label: SafeguardExploitation},
	// danger
	{pattern: "in danger|am in danger|someone is following me|following me|being followed|been followed|stalking me|stalker|someone outside my house/home/door/window|man/guy/someone outside my house|outside my house watching|threatened/threatening/threatens to kill/hurt/stab me?|going/wants/want to hurt/kill/stab me|has/had/got/carrying a knife/gun/weapon|outside with a knife/gun/weapon|pulled a knife|stabbed|scared for my life/safety|fear for my life/safety|feel unsafe|do not feel safe|not feel safe|not safe|unsafe", label: SafeguardDanger, flags: sgNegatable},
	// running away
	{pattern: "scared/afraid/frightened/terrified to go home|can not go home|never going home|run/running/ran away|runaway|threw/throw me out|not come back|never come back|can not stay at home|can not stay home|not safe to go home|living in a tent/car/hostel|sleeping in a tent/car/hostel/park|sleeping at friends|sleeping on friends|kicked/thrown/chucked/kicking/throwing me out|kicked/thrown/chucked out|nowhere to sleep/stay/live/go|no where to sleep/stay/live/go|no place to sleep/stay/live|sleeping rough|sleep rough|sleeping on the streets/street|sleeping in a car/park|sofa surfing|couch surfing|living on the streets/street|no home|not got a home|have no home", label: SafeguardRunningAway, flags: sgNegatable},
	{pattern: "county lines|gangs|gang|drug dealer|drug dealers|my dealer", label: SafeguardExploitation, flags: sgWeak},
	{pattern: "dying|want death|sexual|frightened|terrified", label: SafeguardDanger, flags: sgWeak | sgNegatable},
	{pattern: "homeless|homelessness", label: SafeguardRunningAway, flags: sgWeak | sgNegatable},
	// bullying
	{pattern: "bullied|bulied|bullyed|bullid|bullies me|bully me|bullying me|bullys me|cyberbullied|cyber bullied|cyberbullying me|pick/picks/picking/picked on me|picked on|everyone hates me|everybody hates me|everyone/everybody/they/people * hate/hates me|hates me|no one likes me|nobody likes me|they laugh at me|laughing at me|laugh at me|call/calls/calling me names|spreading rumours about me|spread rumours about me|posting/posted things/stuff about me|beat/beats/beating me up|beat up|jumped me|got jumped|threaten/threatens/threatening/threatened me|excluded me|sending me horrible/nasty/mean/hate messages/stuff|send me horrible/nasty/mean/hate messages|horrible messages|hate messages|mean/nasty/horrible/cruel/awful/vile to me|harassed|harassing me|harass me|let me sit with them|will not let me sit|get/got/getting called names|called names|push me around|pushes me around|pushing me around|no one will sit/talk with/to me|nobody will sit/talk with/to me|no one talks to me|nobody talks to me|no friends|have no friends|leave me out|left out all the time", label: SafeguardBullying, flags: sgNegatable},
	{pattern: "bullying|bullies|cyberbullying|bully", label: SafeguardBullying, flags: sgWeak | sgNegatable},

	// idioms and careers phrases that cover words above
	{pattern: "kill/killing/killed for|would kill|killer|killing it|killing me lol/haha/lmao/xd|is killing me|kill me if/when/lol/haha/lmao|going to kill me if/when|dying industry/industries/trade/career/job/jobs/out/sector/profession|is dying|is/are * dying|die/dies/died out|going to die out|die of boredom/embarrassment/laughter/shame|die laughing|could die lol|jobs/job/industry/industries/trade/trades/career/careers * going to die|die off|dying off|dying to|die for|to die for|dead end|deadline|die/died/dying my/her/his hair|die hair|cutting edge|cut/cuts/cutting/cutted hair|cut/cutting costs/corners|cut it|a cut above|hurt myself playing/at/in/training/doing|in danger of|dangerous jobs|shot|shots|photo shoot|run/running/runs a business/company/shop/team/marathon|run away with it|kicked/thrown/chucked out of the game|abuse victims|victims of abuse|not abuse|drug dealers|stand up to bullies|anti bullying|help bullied|who are/were/get/got/have/had been? bullied/abused/picked/groomed/exploited|who self harm|who have self harmed|hit me up|kicked/thrown/chucked out of the * team/club/game/class/band/squad|run/ran away to join|run away and join|kicked/thrown/chucked/sent out of class/lessons/lesson|kicked/thrown/chucked/sent out of the lesson|who run/ran away|who have run away|who are homeless|leave/leaving home for uni/university/college/work|leave/leaving home for a job|move out for uni|people in danger|who are in danger|are * in danger|is * in danger|animals in danger|endangered|end it with|end it there|not eating meat|end of it", label: sgIdiom},
}

// sgCareersFrame words mark a careers question ("what jobs help people who self harm").
var sgCareersFrame = map[string]bool{
	"job": true, "jobs": true, "career": true, "careers": true, "work": true, "working": true,
	"become": true, "becoming": true, "study": true, "studying": true, "course": true, "courses": true,
	"degree": true, "qualification": true, "qualifications": true, "charity": true, "charities": true,
	"victims": true, "victim": true, "survivors": true, "prevention": true, "deal": true, "deals": true,
	"profession": true, "volunteer": true, "volunteering": true, "training": true, "support": true,
	"supporting": true, "counsellor": true, "therapist": true, "officer": true, "worker": true,
	"workers": true, "apprenticeship": true, "helping": true, "specialise": true, "specialize": true,
	"studies": true, "research": true, "researcher": true, "psychologist": true, "lawyer": true,
	"solicitor": true, "police": true, "nurse": true, "doctor": true, "teacher": true, "adviser": true,
	"forensic": true, "investigator": true, "investigators": true, "officers": true, "nurses": true,
	"doctors": true, "teachers": true, "lawyers": true, "solicitors": true, "counsellors": true,
	"therapists": true, "specialists": true, "advisers": true, "earnings": true, "wages": true, "wage": true,
	"cv": true, "interview": true, "interviews": true, "retail": true, "office": true, "earns": true,
	"apprentice": true, "apprentices": true, "internship": true, "placement": true, "uni": true, "college": true,
	"university": true, "gcses": true, "gcse": true, "actor": true, "actress": true, "shifts": true, "specialist": true, "salary": true, "earn": true, "paid": true,
}

// sgFirstPerson words tie a phrase to the speaker or someone close to them.
var sgFirstPerson = map[string]bool{
	"i": true, "me": true, "my": true, "myself": true, "mine": true, "we": true, "us": true, "our": true,
}

type sgTables struct {
	m *ucMatcher
}

var sgOnce = sync.OnceValue(func() *sgTables {
	all := make([]ucPatternSpec, 0, len(sgPatterns)+len(sgPatternsMore))
	all = append(append(all, sgPatterns...), sgPatternsMore...)
	return &sgTables{m: ucMustCompile(all)}
})

// CheckSafeguarding is the safeguarding gate on its own: the service runs it on every
// message, whatever state the conversation is in (also while an adviser holds it). It is
// pure and fast. It returns nil when the message shows no sign of risk.
func CheckSafeguarding(text string) *SafeguardingFlag {
	if text == "" {
		return nil
	}
	return sgCheckTokens(text, ucNormaliseMax(text, sgMaxText))
}

// sgCheckTokens runs the gate over normalised tokens of text.
func sgCheckTokens(text string, toks []ucToken) *SafeguardingFlag {
	t := sgOnce()
	var buf [16]ucMatch
	ms := t.m.find(toks, buf[:0])
	if len(ms) == 0 {
		return nil
	}
	careers := false
	for i, tk := range toks {
		if sgCareersFrame[tk.s] {
			careers = true
			break
		}
		// "want to be an actor": a careers question, whatever the job
		if (tk.s == "be" || tk.s == "become") && i+1 < len(toks) && (toks[i+1].s == "a" || toks[i+1].s == "an") {
			careers = true
			break
		}
		if tk.s == "what" && i+1 < len(toks) && toks[i+1].s == "else" {
			careers = true // "what else is there"
			break
		}
	}
	// idiomEnd[k] is set when an idiom covers token k, so checking a match costs its
	// length, not the number of idioms
	var idiomBuf [64]int32
	idiomEnd := idiomBuf[:0]
	if len(toks) > len(idiomBuf) {
		idiomEnd = make([]int32, len(toks))
	} else {
		idiomEnd = idiomBuf[:len(toks)]
	}
	hasIdiom := false
	for _, m := range ms {
		if t.m.phrases[m.phrase].label == sgIdiom {
			hasIdiom = true
			for k := m.start; k < m.end; k++ {
				idiomEnd[k] = 1
			}
		}
	}
	best := -1
	bestRank := len(sgPatterns) + 1
	for i, m := range ms {
		ph := &t.m.phrases[m.phrase]
		if ph.label == sgIdiom {
			continue
		}
		if hasIdiom && ph.flags&sgOverIdiom == 0 && sgCovered(idiomEnd, m) {
			continue
		}
		if ph.flags&sgWeak != 0 && careers && !sgFirstPersonNear(toks, m.start, m.end) {
			continue
		}
		if ph.flags&sgCareersMoot != 0 && careers {
			continue
		}
		if ph.flags&sgNegatable != 0 && sgNegatedBefore(toks, m.start) {
			continue
		}
		rank := sgRank(ph.label)
		if rank < bestRank {
			best, bestRank = i, rank
		}
	}
	if best < 0 {
		return nil
	}
	m := ms[best]
	matched := text
	if s, e := toks[m.start].start, toks[m.end-1].end; s >= 0 && e <= len(text) && s < e {
		matched = text[s:e]
	}
	return &SafeguardingFlag{Category: t.m.phrases[m.phrase].label, Matched: strings.TrimSpace(matched)}
}

// sgRank orders categories by seriousness: the most serious wins when several match.
func sgRank(cat string) int {
	switch cat {
	case SafeguardSuicide:
		return 0
	case SafeguardSelfHarm:
		return 1
	case SafeguardAbuse:
		return 2
	case SafeguardGrooming:
		return 3
	case SafeguardExploitation:
		return 4
	case SafeguardDanger:
		return 5
	case SafeguardRunningAway:
		return 6
	case SafeguardBullying:
		return 7
	}
	return 8
}

// sgCovered reports whether an idiom covers any token of m.
func sgCovered(covered []int32, m ucMatch) bool {
	for k := m.start; k < m.end; k++ {
		if covered[k] != 0 {
			return true
		}
	}
	return false
}

func sgFirstPersonNear(toks []ucToken, start, end int) bool {
	lo, hi := start-2, end+2
	if lo < 0 {
		lo = 0
	}
	if hi > len(toks) {
		hi = len(toks)
	}
	for i := lo; i < hi; i++ {
		if sgFirstPerson[toks[i].s] {
			return true
		}
	}
	return false
}

func sgNegatedBefore(toks []ucToken, start int) bool {
	for i := start - 1; i >= 0 && i >= start-3; i-- {
		switch toks[i].s {
		case "not", "never", "if":
			return true
		}
	}
	return false
}
