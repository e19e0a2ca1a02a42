package dialog

// ucPlaceNicknames are everyday names for UK places that a young person types but the
// LMI store's place index still lacks ("the steel city", "brumland", "the welsh valleys").
// The store owns place names: an entry goes once the store finds it itself (the store
// already knows "pompey", "donny", "the toon", counties and bare postcode districts). Each maps to a name
// the LMI store resolves; the understander tries them only when the store found no place
// itself. "exeter>Devon" resolves Exeter for the region and local data but names the place
// Devon, for an area wider than the place resolved.
var ucPlaceNicknames = []ucLexEntry{
	{"donnie", "doncaster"},
	{"smogland|middlesboro|middlesbro", "middlesbrough"},
	{"steel city|the steel city", "sheffield"},
	{"glasvegas|weegieland", "glasgow"},
	{"edinborough", "edinburgh"},
	{"granite city|abdn", "aberdeen"},
	{"the diamond strip", "newcastle upon tyne"},
	{"mackem land|mackemland", "sunderland"},
	{"londinium|lundun", "london"},
	{"pboro|p boro|peterboro", "peterborough"},
	{"wolvz", "wolverhampton"},
	{"b ham|brummie land|brumland", "birmingham"},
	{"mancs", "manchester"},
	{"kairdiff", "cardiff"},
	{"swanzee", "swansea"},
	{"the welsh valleys|rhondda|rhondda valley", "rhondda cynon taf"},
	{"stroke city", "derry city and strabane"},
	{"norniron|norn ireland", "northern ireland"},
	{"lake district", "westmorland and furness"},
	{"the fens", "fenland"},
	{"tyneside", "newcastle upon tyne>Tyneside"},
	{"wearside", "sunderland>Wearside"},
	{"mersey", "liverpool>Merseyside"},
	{"humberside", "kingston upon hull>Humberside"},
	{"iow|the iow|isle of white", "isle of wight"},
	{"scottish highlands", "highland"},
}
