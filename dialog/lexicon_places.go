package dialog

// ucPlaceNicknames are everyday names for UK places that a young person types but a
// gazetteer lacks ("pompey", "donny", "the black country", counties). Each maps to a name
// the LMI store resolves; the understander tries them only when the store found no place
// itself. "exeter>Devon" resolves Exeter for the region and local data but names the place
// Devon, for an area wider than the place resolved.
var ucPlaceNicknames = []ucLexEntry{
	{"pompey", "portsmouth"},
	{"brizzle|bristle|brissle|bristol city", "bristol"},
	{"donny|donnie|donny town", "doncaster"},
	{"boro|the boro|smoggy land|smogland|middlesboro|middlesborough|middlesbro|middlesbrough town", "middlesbrough"},
	{"sheff|sheffield city|steel city|the steel city", "sheffield"},
	{"black country|the black country", "dudley"},
	{"kernow|cornwal", "cornwall"},
	{"glesga|glesgae|glasgae|glasvegas|weegieland", "glasgow"},
	{"edinbra|embra|edinburra|auld reekie|edinburg|edinborough|edinbrugh", "edinburgh"},
	{"granite city|the granite city|abdn|aberdeen city", "aberdeen"},
	{"the toon|geordieland|geordie land|newcastle upon tyne|newcastle on tyne|the diamond strip", "newcastle upon tyne"},
	{"mackem land|mackemland|sunlun|sunderland city", "sunderland"},
	{"the big smoke|londinium|landan|lundun", "london"},
	{"the potteries|stoke on trent|stoke town|stokie", "stoke-on-trent"},
	{"notts|nottz|nottingham city", "nottingham"},
	{"soton|southampton city", "southampton"},
	{"pboro|p boro|peterboro", "peterborough"},
	{"wakefield city", "wakefield"},
	{"bratford|bradford city", "bradford"},
	{"hudds|huddersfield|huddersfeld", "kirklees"},
	{"cov city|coventry city", "coventry"},
	{"wolverhampton city|wolvo|wolvz", "wolverhampton"},
	{"bham|b ham|birmingham city|brummie land|brumland", "birmingham"},
	{"mancs|manc|manchester city|manny city|madchester", "manchester"},
	{"scouseland|liverpool city", "liverpool"},
	{"caerdydd|cardiff city|kairdiff", "cardiff"},
	{"abertawe|swansea city|swanzee", "swansea"},
	{"the valleys|the welsh valleys|rhondda|rhondda valley", "rhondda cynon taf"},
	{"derry|londonderry|stroke city", "derry city and strabane"},
	{"norn iron|norniron|norn ireland", "northern ireland"},
	{"belfast city|belfast town", "belfast"},
	{"lancs", "lancashire"},
	{"leics", "leicester"},
	{"brighton and hove|brighton town", "brighton and hove"},
	{"plymouth city", "plymouth"},
	{"the wirral|wirral peninsula", "wirral"},
	{"the lakes|lake district", "westmorland and furness"},
	{"the fens|fenland", "fenland"},
	{"the cotswolds|cotswolds", "cotswold"},
	{"teesside|teeside|teesside area", "middlesbrough>Teesside"},
	{"tyneside|tyne and wear", "newcastle upon tyne>Tyneside"},
	{"wearside", "sunderland>Wearside"},
	{"merseyside|mersey", "liverpool>Merseyside"},
	{"humberside|the humber", "kingston upon hull>Humberside"},
	{"iow|the iow|isle of white", "isle of wight"},
	{"weegie|weegie land|weegieland", "glasgow"},
	{"essex", "chelmsford>Essex"},
	{"surrey", "guildford>Surrey"},
	{"devon", "exeter>Devon"},
	{"herts|hertfordshire", "st albans>Hertfordshire"},
	{"gloucestershire|glos", "gloucester>Gloucestershire"},
	{"staffs|staffordshire", "stafford>Staffordshire"},
	{"warwickshire|warks", "warwick>Warwickshire"},
	{"nottinghamshire", "nottingham>Nottinghamshire"},
	{"lincolnshire|lincs", "lincoln>Lincolnshire"},
	{"northamptonshire|northants", "west northamptonshire>Northamptonshire"},
	{"cambridgeshire|cambs", "cambridge>Cambridgeshire"},
	{"cheshire", "cheshire east>Cheshire"},
	{"the highlands|highlands|scottish highlands", "highland"},
}

// ucPostcodeAreas are the letter parts of UK postcode areas of two letters. One-letter areas
// (B, E, G, L, M, N, S, W) count only when written in capitals ("B23", not "b2").
var ucPostcodeAreas = ucWordSet(
	"ab", "al", "ba", "bb", "bd", "bh", "bl", "bn", "br", "bs", "bt", "ca", "cb", "cf", "ch", "cm",
	"co", "cr", "ct", "cv", "cw", "da", "dd", "de", "dg", "dh", "dl", "dn", "dt", "dy", "ec", "eh",
	"en", "ex", "fk", "fy", "gl", "gu", "gy", "ha", "hd", "hg", "hp", "hr", "hs", "hu", "hx", "ig",
	"im", "ip", "iv", "je", "ka", "kt", "kw", "ky", "la", "ld", "le", "ll", "ln", "ls", "lu", "me",
	"mk", "ml", "ne", "ng", "nn", "np", "nr", "nw", "ol", "ox", "pa", "pe", "ph", "pl", "po", "pr",
	"rg", "rh", "rm", "sa", "se", "sg", "sk", "sl", "sm", "sn", "so", "sp", "sr", "ss", "st", "sw",
	"sy", "ta", "td", "tf", "tn", "tq", "tr", "ts", "tw", "ub", "wa", "wc", "wd", "wf", "wn", "wr",
	"ws", "wv", "yo", "ze",
)

// ucPostcodeSingle are the one-letter postcode areas.
var ucPostcodeSingle = ucWordSet("b", "e", "g", "l", "m", "n", "s", "w")
