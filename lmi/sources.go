package lmi

const (
	attrONS   = "Source: Office for National Statistics licensed under the Open Government Licence v3.0."
	attrOGL   = "Contains public sector information licensed under the Open Government Licence v3.0."
	attrONET  = "This product includes information from O*NET 29.3 Database by the U.S. Department of Labor, Employment and Training Administration (USDOL/ETA). Used under the CC BY 4.0 license. O*NET is a trademark of USDOL/ETA. careersbot has modified all or some of this information (converted, reshaped, matched to UK occupations through ISCO-08 and averaged). USDOL/ETA has not approved, endorsed, or tested these modifications."
	attrPlace = "Contains OS data © Crown copyright and database right. Contains Royal Mail data © Royal Mail copyright and database right. Source: Office for National Statistics licensed under the Open Government Licence v3.0 (postcode districts via Doogal)."
)

// sources are the data sources behind the snapshot, with the attribution lines that
// SOURCES.md asks the product to show.
var sources = []Source{
	{ID: "ashe2025p", Name: "ONS Annual Survey of Hours and Earnings, Table 14 (occupation, 4-digit SOC 2020)", Short: "ONS ASHE 2025", Year: "2025 (provisional)", Publisher: "ONS", Licence: "OGL v3", Attribution: attrONS},
	{ID: "ashe2023p", Name: "ONS Annual Survey of Hours and Earnings, Table 14 (occupation, 4-digit SOC 2020)", Short: "ONS ASHE 2023", Year: "2023 (provisional)", Publisher: "ONS", Licence: "OGL v3", Attribution: attrONS},
	{ID: "ashe2025p_region", Name: "ONS Annual Survey of Hours and Earnings, Table 3 (region by occupation, 1- and 2-digit SOC 2020)", Short: "ONS ASHE 2025 (regions)", Year: "2025 (provisional)", Publisher: "ONS", Licence: "OGL v3", Attribution: attrONS},
	{ID: "adverts", Name: "ONS online job advert estimates (Textkernel data) by SOC 2020, with ONS Annual Population Survey, as processed by DfE Unit for Future Skills", Short: "ONS online job adverts", Year: "2025", Publisher: "ONS / DfE", Licence: "OGL v3", Attribution: attrONS},
	{ID: "skills2035", Name: "Skills Imperative 2035 employment projections (Warwick IER / NFER for DfE), by SOC 2020 sub-major group", Short: "Skills Imperative 2035", Year: "2020 to 2035 (projection)", Publisher: "DfE / NFER / Warwick IER", Licence: "OGL v3", Attribution: attrOGL},
	{ID: "onet", Name: "O*NET 29.3 Database, through a derived UK SOC to O*NET crosswalk (via ISCO-08)", Short: "O*NET 29.3 (US)", Year: "2025", Publisher: "USDOL/ETA", Licence: "CC BY 4.0", Attribution: attrONET},
	{ID: "soc2020", Name: "ONS Standard Occupational Classification 2020: Volume 1 (structure and descriptions) and Volume 2 (coding index)", Short: "ONS SOC 2020", Year: "2020 (files of April 2025)", Publisher: "ONS", Licence: "OGL v3", Attribution: attrONS},
	{ID: "entry_reviewed", Name: "careersbot reviewed entry facts (written for careersbot, each row checked against the public sources it names, with ONS SOC 2020 Volume 1)", Short: "careersbot entry facts", Year: "2026 (reviewed)", Publisher: "careersbot", Licence: "OGL v3 sources", Attribution: attrONS},
	{ID: "soc_relationship", Name: "ONS relationship between SOC 2010 and SOC 2020", Short: "ONS SOC 2010 to 2020", Year: "2020", Publisher: "ONS", Licence: "OGL v3", Attribution: attrONS},
	{ID: "leo", Name: "DfE Longitudinal Education Outcomes: graduate industry by subject, 3 years after graduation", Short: "DfE LEO", Year: "graduates of 2016-17, tax year 2020-21", Publisher: "DfE", Licence: "OGL v3", Attribution: attrOGL},
	{ID: "places", Name: "Postcode districts (Doogal, from the ONS Postcode Directory) and ONS local authority and region codes; LSIP areas from DfE", Short: "ONS / Doogal postcode districts", Year: "2024 (LAD 2023)", Publisher: "ONS / Doogal / DfE", Licence: "OGL v3", Attribution: attrPlace},
}
