//! Hand-written gazetteer for actor discovery: countries and territories, international and
//! well-known organisations, person titles, organisation-signal words and stop lists.
//!
//! All lists were written from general knowledge for this module. Names are stored without
//! accents and without a leading "the": the matcher folds accents ("Élysée" → "Elysee"), treats
//! hyphens as spaces and ignores dots ("U.S." → "US"), so one spelling per form is enough.
//! Matching is case-sensitive, which keeps "US"/"us", "WHO"/"who" and "Turkey"/"turkey" apart.

/// Whether a place is a sovereign state or a territory/region inside or beside one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceKind {
    /// A sovereign (or widely treated as sovereign) state.
    State,
    /// A territory, region or nation without full sovereignty.
    Territory,
}

/// A country or territory and the forms that refer to it.
#[derive(Debug)]
pub struct Place {
    /// Canonical name ("United States").
    pub name: &'static str,
    /// State or territory.
    pub kind: PlaceKind,
    /// Other full names ("America", "Britain").
    pub names: &'static [&'static str],
    /// Abbreviations ("US", "UK", "UAE").
    pub abbrevs: &'static [&'static str],
    /// Capitals and seats of power used as metonyms ("Washington", "White House").
    pub metonyms: &'static [&'static str],
    /// Adjectives/demonyms ("American").
    pub demonyms: &'static [&'static str],
    /// Canonical name of the [`Org`] that governs a territory, when it has one: an article that
    /// names that government gets the territory's mentions merged into it.
    pub government: Option<&'static str>,
}

/// An organisation (international body, bloc, party, agency, armed group, NGO, company).
#[derive(Debug)]
pub struct Org {
    /// Canonical name ("European Union").
    pub name: &'static str,
    /// Other full names.
    pub names: &'static [&'static str],
    /// Acronyms and short names ("EU").
    pub abbrevs: &'static [&'static str],
    /// Seats used as metonyms ("Brussels" for the EU, "Erbil" for the KRG).
    pub metonyms: &'static [&'static str],
    /// Adjectives that stand for the organisation before an actor noun ("European officials").
    pub demonyms: &'static [&'static str],
}

macro_rules! state {
    ($n:expr, [$($o:expr),*], [$($a:expr),*], [$($m:expr),*], [$($d:expr),*]) => {
        Place { name: $n, kind: PlaceKind::State, names: &[$($o),*], abbrevs: &[$($a),*],
                metonyms: &[$($m),*], demonyms: &[$($d),*], government: None }
    };
}

macro_rules! territory {
    ($n:expr, [$($o:expr),*], [$($a:expr),*], [$($m:expr),*], [$($d:expr),*], $g:expr) => {
        Place { name: $n, kind: PlaceKind::Territory, names: &[$($o),*], abbrevs: &[$($a),*],
                metonyms: &[$($m),*], demonyms: &[$($d),*], government: $g }
    };
}

macro_rules! org {
    ($n:expr, [$($o:expr),*], [$($a:expr),*], [$($m:expr),*], [$($d:expr),*]) => {
        Org { name: $n, names: &[$($o),*], abbrevs: &[$($a),*], metonyms: &[$($m),*],
              demonyms: &[$($d),*] }
    };
}

/// Countries (UN members, observers, Taiwan, Kosovo) and major territories/regions.
///
/// Capitals that are also common words or names elsewhere ("Victoria", "Male", "Kingston" is
/// kept as Jamaica's only) are left out on purpose; Brussels belongs to the European Union.
#[rustfmt::skip]
pub static PLACES: &[Place] = &[
    state!("Afghanistan", [], [], ["Kabul"], ["Afghan"]),
    state!("Albania", [], [], ["Tirana"], ["Albanian"]),
    state!("Algeria", [], [], ["Algiers"], ["Algerian"]),
    state!("Andorra", [], [], ["Andorra la Vella"], ["Andorran"]),
    state!("Angola", [], [], ["Luanda"], ["Angolan"]),
    state!("Antigua and Barbuda", ["Antigua"], [], [], ["Antiguan"]),
    state!("Argentina", [], [], ["Buenos Aires", "Casa Rosada"], ["Argentine", "Argentinian"]),
    state!("Armenia", [], [], ["Yerevan"], ["Armenian"]),
    state!("Australia", [], [], ["Canberra"], ["Australian"]),
    state!("Austria", [], [], ["Vienna"], ["Austrian"]),
    state!("Azerbaijan", [], [], ["Baku"], ["Azerbaijani", "Azeri"]),
    state!("Bahamas", [], [], ["Nassau"], ["Bahamian"]),
    state!("Bahrain", [], [], ["Manama"], ["Bahraini"]),
    state!("Bangladesh", [], [], ["Dhaka"], ["Bangladeshi"]),
    state!("Barbados", [], [], ["Bridgetown"], ["Barbadian"]),
    state!("Belarus", [], [], ["Minsk"], ["Belarusian"]),
    state!("Belgium", [], [], [], ["Belgian"]),
    state!("Belize", [], [], ["Belmopan"], ["Belizean"]),
    state!("Benin", [], [], ["Porto-Novo", "Cotonou"], ["Beninese"]),
    state!("Bhutan", [], [], ["Thimphu"], ["Bhutanese"]),
    state!("Bolivia", [], [], ["La Paz", "Sucre"], ["Bolivian"]),
    state!("Bosnia and Herzegovina", ["Bosnia", "Bosnia-Herzegovina"], [], ["Sarajevo"], ["Bosnian"]),
    state!("Botswana", [], [], ["Gaborone"], ["Botswanan"]),
    state!("Brazil", [], [], ["Brasilia", "Planalto"], ["Brazilian"]),
    state!("Brunei", [], [], ["Bandar Seri Begawan"], ["Bruneian"]),
    state!("Bulgaria", [], [], ["Sofia"], ["Bulgarian"]),
    state!("Burkina Faso", [], [], ["Ouagadougou"], ["Burkinabe"]),
    state!("Burundi", [], [], ["Gitega", "Bujumbura"], ["Burundian"]),
    state!("Cabo Verde", ["Cape Verde"], [], ["Praia"], ["Cape Verdean"]),
    state!("Cambodia", [], [], ["Phnom Penh"], ["Cambodian"]),
    state!("Cameroon", [], [], ["Yaounde"], ["Cameroonian"]),
    state!("Canada", [], [], ["Ottawa"], ["Canadian"]),
    state!("Central African Republic", [], ["CAR"], ["Bangui"], []),
    state!("Chad", [], [], ["N'Djamena"], ["Chadian"]),
    state!("Chile", [], [], ["Santiago"], ["Chilean"]),
    state!("China", ["People's Republic of China", "Mainland China"], ["PRC"], ["Beijing", "Peking", "Zhongnanhai"], ["Chinese"]),
    state!("Colombia", [], [], ["Bogota"], ["Colombian"]),
    state!("Comoros", [], [], ["Moroni"], ["Comoran", "Comorian"]),
    state!("Republic of the Congo", ["Congo-Brazzaville"], [], ["Brazzaville"], []),
    state!("Democratic Republic of the Congo", ["DR Congo", "Congo-Kinshasa", "Congo"], ["DRC"], ["Kinshasa"], ["Congolese"]),
    state!("Costa Rica", [], [], ["San Jose"], ["Costa Rican"]),
    state!("Cote d'Ivoire", ["Ivory Coast"], [], ["Yamoussoukro", "Abidjan"], ["Ivorian"]),
    state!("Croatia", [], [], ["Zagreb"], ["Croatian"]),
    state!("Cuba", [], [], ["Havana"], ["Cuban"]),
    state!("Cyprus", [], [], ["Nicosia"], ["Cypriot"]),
    state!("Czech Republic", ["Czechia"], [], ["Prague"], ["Czech"]),
    state!("Denmark", [], [], ["Copenhagen"], ["Danish"]),
    state!("Djibouti", [], [], [], ["Djiboutian"]),
    state!("Dominica", [], [], ["Roseau"], []),
    state!("Dominican Republic", [], [], ["Santo Domingo"], ["Dominican"]),
    state!("Ecuador", [], [], ["Quito"], ["Ecuadorian", "Ecuadorean"]),
    state!("Egypt", [], [], ["Cairo"], ["Egyptian"]),
    state!("El Salvador", [], [], ["San Salvador"], ["Salvadoran", "Salvadorean"]),
    state!("Equatorial Guinea", [], [], ["Malabo"], ["Equatoguinean"]),
    state!("Eritrea", [], [], ["Asmara"], ["Eritrean"]),
    state!("Estonia", [], [], ["Tallinn"], ["Estonian"]),
    state!("Eswatini", ["Swaziland"], [], ["Mbabane"], ["Swazi"]),
    state!("Ethiopia", [], [], ["Addis Ababa"], ["Ethiopian"]),
    state!("Fiji", [], [], ["Suva"], ["Fijian"]),
    state!("Finland", [], [], ["Helsinki"], ["Finnish"]),
    state!("France", [], [], ["Paris", "Elysee", "Elysee Palace", "Quai d'Orsay"], ["French"]),
    state!("Gabon", [], [], ["Libreville"], ["Gabonese"]),
    state!("Gambia", [], [], ["Banjul"], ["Gambian"]),
    state!("Georgia", [], [], ["Tbilisi"], ["Georgian"]),
    state!("Germany", [], [], ["Berlin"], ["German"]),
    state!("Ghana", [], [], ["Accra"], ["Ghanaian"]),
    state!("Greece", [], [], ["Athens"], ["Greek"]),
    state!("Grenada", [], [], [], ["Grenadian"]),
    state!("Guatemala", [], [], ["Guatemala City"], ["Guatemalan"]),
    state!("Guinea", [], [], ["Conakry"], ["Guinean"]),
    state!("Guinea-Bissau", [], [], ["Bissau"], []),
    state!("Guyana", [], [], ["Georgetown"], ["Guyanese"]),
    state!("Haiti", [], [], ["Port-au-Prince"], ["Haitian"]),
    state!("Honduras", [], [], ["Tegucigalpa"], ["Honduran"]),
    state!("Hungary", [], [], ["Budapest"], ["Hungarian"]),
    state!("Iceland", [], [], ["Reykjavik"], ["Icelandic"]),
    state!("India", [], [], ["New Delhi"], ["Indian"]),
    state!("Indonesia", [], [], ["Jakarta"], ["Indonesian"]),
    state!("Iran", ["Islamic Republic of Iran"], [], ["Tehran"], ["Iranian"]),
    state!("Iraq", [], [], ["Baghdad"], ["Iraqi"]),
    state!("Ireland", ["Republic of Ireland"], [], ["Dublin"], ["Irish"]),
    state!("Israel", [], [], ["Jerusalem"], ["Israeli"]),
    state!("Italy", [], [], ["Rome", "Palazzo Chigi"], ["Italian"]),
    state!("Jamaica", [], [], ["Kingston"], ["Jamaican"]),
    state!("Japan", [], [], ["Tokyo"], ["Japanese"]),
    state!("Jordan", [], [], ["Amman"], ["Jordanian"]),
    state!("Kazakhstan", [], [], ["Astana", "Nur-Sultan"], ["Kazakh"]),
    state!("Kenya", [], [], ["Nairobi"], ["Kenyan"]),
    state!("Kiribati", [], [], ["Tarawa"], []),
    state!("Kuwait", [], [], ["Kuwait City"], ["Kuwaiti"]),
    state!("Kyrgyzstan", [], [], ["Bishkek"], ["Kyrgyz"]),
    state!("Laos", [], [], ["Vientiane"], ["Laotian"]),
    state!("Latvia", [], [], ["Riga"], ["Latvian"]),
    state!("Lebanon", [], [], ["Beirut"], ["Lebanese"]),
    state!("Lesotho", [], [], ["Maseru"], []),
    state!("Liberia", [], [], ["Monrovia"], ["Liberian"]),
    state!("Libya", [], [], ["Tripoli"], ["Libyan"]),
    state!("Liechtenstein", [], [], ["Vaduz"], []),
    state!("Lithuania", [], [], ["Vilnius"], ["Lithuanian"]),
    state!("Luxembourg", [], [], [], ["Luxembourgish"]),
    state!("Madagascar", [], [], ["Antananarivo"], ["Malagasy"]),
    state!("Malawi", [], [], ["Lilongwe"], ["Malawian"]),
    state!("Malaysia", [], [], ["Kuala Lumpur", "Putrajaya"], ["Malaysian"]),
    state!("Maldives", [], [], [], ["Maldivian"]),
    state!("Mali", [], [], ["Bamako"], ["Malian"]),
    state!("Malta", [], [], ["Valletta"], ["Maltese"]),
    state!("Marshall Islands", [], [], ["Majuro"], ["Marshallese"]),
    state!("Mauritania", [], [], ["Nouakchott"], ["Mauritanian"]),
    state!("Mauritius", [], [], ["Port Louis"], ["Mauritian"]),
    state!("Mexico", [], [], ["Mexico City"], ["Mexican"]),
    state!("Micronesia", ["Federated States of Micronesia"], [], ["Palikir"], ["Micronesian"]),
    state!("Moldova", [], [], ["Chisinau"], ["Moldovan"]),
    state!("Monaco", [], [], [], ["Monegasque"]),
    state!("Mongolia", [], [], ["Ulaanbaatar", "Ulan Bator"], ["Mongolian"]),
    state!("Montenegro", [], [], ["Podgorica"], ["Montenegrin"]),
    state!("Morocco", [], [], ["Rabat"], ["Moroccan"]),
    state!("Mozambique", [], [], ["Maputo"], ["Mozambican"]),
    state!("Myanmar", ["Burma"], [], ["Naypyitaw", "Naypyidaw"], ["Burmese"]),
    state!("Namibia", [], [], ["Windhoek"], ["Namibian"]),
    state!("Nauru", [], [], ["Yaren"], ["Nauruan"]),
    state!("Nepal", [], [], ["Kathmandu"], ["Nepalese", "Nepali"]),
    state!("Netherlands", ["Holland"], [], ["The Hague"], ["Dutch"]),
    state!("New Zealand", [], ["NZ"], ["Wellington"], []),
    state!("Nicaragua", [], [], ["Managua"], ["Nicaraguan"]),
    state!("Niger", [], [], ["Niamey"], ["Nigerien"]),
    state!("Nigeria", [], [], ["Abuja"], ["Nigerian"]),
    state!("North Korea", ["Democratic People's Republic of Korea"], ["DPRK"], ["Pyongyang"], ["North Korean"]),
    state!("North Macedonia", ["Macedonia"], [], ["Skopje"], ["Macedonian"]),
    state!("Norway", [], [], ["Oslo"], ["Norwegian"]),
    state!("Oman", [], [], ["Muscat"], ["Omani"]),
    state!("Pakistan", [], [], ["Islamabad"], ["Pakistani"]),
    state!("Palau", [], [], ["Ngerulmud"], ["Palauan"]),
    state!("Panama", [], [], ["Panama City"], ["Panamanian"]),
    state!("Papua New Guinea", [], ["PNG"], ["Port Moresby"], []),
    state!("Paraguay", [], [], ["Asuncion"], ["Paraguayan"]),
    state!("Peru", [], [], ["Lima"], ["Peruvian"]),
    state!("Philippines", [], [], ["Manila", "Malacanang"], ["Philippine", "Filipino"]),
    state!("Poland", [], [], ["Warsaw"], ["Polish"]),
    state!("Portugal", [], [], ["Lisbon"], ["Portuguese"]),
    state!("Qatar", [], [], ["Doha"], ["Qatari"]),
    state!("Romania", [], [], ["Bucharest"], ["Romanian"]),
    state!("Russia", ["Russian Federation"], [], ["Moscow", "Kremlin"], ["Russian"]),
    state!("Rwanda", [], [], ["Kigali"], ["Rwandan"]),
    state!("Saint Kitts and Nevis", ["St Kitts and Nevis"], [], ["Basseterre"], []),
    state!("Saint Lucia", ["St Lucia"], [], ["Castries"], []),
    state!("Saint Vincent and the Grenadines", ["St Vincent and the Grenadines"], [], ["Kingstown"], []),
    state!("Samoa", [], [], ["Apia"], ["Samoan"]),
    state!("San Marino", [], [], [], ["Sammarinese"]),
    state!("Sao Tome and Principe", [], [], ["Sao Tome"], []),
    state!("Saudi Arabia", [], [], ["Riyadh"], ["Saudi"]),
    state!("Senegal", [], [], ["Dakar"], ["Senegalese"]),
    state!("Serbia", [], [], ["Belgrade"], ["Serbian", "Serb"]),
    state!("Seychelles", [], [], [], ["Seychellois"]),
    state!("Sierra Leone", [], [], ["Freetown"], ["Sierra Leonean"]),
    state!("Singapore", [], [], [], ["Singaporean"]),
    state!("Slovakia", [], [], ["Bratislava"], ["Slovak"]),
    state!("Slovenia", [], [], ["Ljubljana"], ["Slovenian", "Slovene"]),
    state!("Solomon Islands", [], [], ["Honiara"], []),
    state!("Somalia", [], [], ["Mogadishu"], ["Somali"]),
    state!("South Africa", [], [], ["Pretoria"], ["South African"]),
    state!("South Korea", ["Republic of Korea"], ["ROK"], ["Seoul"], ["South Korean"]),
    state!("South Sudan", [], [], ["Juba"], ["South Sudanese"]),
    state!("Spain", [], [], ["Madrid", "Moncloa"], ["Spanish"]),
    state!("Sri Lanka", [], [], ["Colombo"], ["Sri Lankan"]),
    state!("Sudan", [], [], ["Khartoum"], ["Sudanese"]),
    state!("Suriname", [], [], ["Paramaribo"], ["Surinamese"]),
    state!("Sweden", [], [], ["Stockholm"], ["Swedish"]),
    state!("Switzerland", [], [], ["Bern", "Berne"], ["Swiss"]),
    state!("Syria", [], [], ["Damascus"], ["Syrian"]),
    state!("Tajikistan", [], [], ["Dushanbe"], ["Tajik"]),
    state!("Tanzania", [], [], ["Dodoma"], ["Tanzanian"]),
    state!("Thailand", [], [], ["Bangkok"], ["Thai"]),
    state!("Timor-Leste", ["East Timor"], [], ["Dili"], ["Timorese"]),
    state!("Togo", [], [], ["Lome"], ["Togolese"]),
    state!("Tonga", [], [], ["Nuku'alofa"], ["Tongan"]),
    state!("Trinidad and Tobago", ["Trinidad"], [], ["Port of Spain"], ["Trinidadian"]),
    state!("Tunisia", [], [], ["Tunis"], ["Tunisian"]),
    state!("Turkey", ["Turkiye"], [], ["Ankara"], ["Turkish"]),
    state!("Turkmenistan", [], [], ["Ashgabat"], ["Turkmen"]),
    state!("Tuvalu", [], [], ["Funafuti"], ["Tuvaluan"]),
    state!("Uganda", [], [], ["Kampala"], ["Ugandan"]),
    state!("Ukraine", [], [], ["Kyiv", "Kiev"], ["Ukrainian"]),
    state!("United Arab Emirates", ["Emirates"], ["UAE"], ["Abu Dhabi"], ["Emirati"]),
    state!("United Kingdom", ["Britain", "Great Britain"], ["UK"], ["London", "Downing Street", "Westminster", "Whitehall"], ["British"]),
    state!("United States", ["United States of America", "America"], ["US", "USA"], ["Washington", "White House", "Pentagon", "State Department"], ["American"]),
    state!("Uruguay", [], [], ["Montevideo"], ["Uruguayan"]),
    state!("Uzbekistan", [], [], ["Tashkent"], ["Uzbek"]),
    state!("Vanuatu", [], [], ["Port Vila"], []),
    state!("Vatican City", ["Vatican", "Holy See"], [], [], []),
    state!("Venezuela", [], [], ["Caracas", "Miraflores"], ["Venezuelan"]),
    state!("Vietnam", ["Viet Nam"], [], ["Hanoi"], ["Vietnamese"]),
    state!("Yemen", [], [], ["Sanaa"], ["Yemeni"]),
    state!("Zambia", [], [], ["Lusaka"], ["Zambian"]),
    state!("Zimbabwe", [], [], ["Harare"], ["Zimbabwean"]),
    state!("Palestine", ["State of Palestine", "Palestinian territories"], [], ["Ramallah"], ["Palestinian"]),
    state!("Taiwan", [], [], ["Taipei"], ["Taiwanese"]),
    state!("Kosovo", [], [], ["Pristina"], ["Kosovar"]),
    territory!("Kurdistan", ["Iraqi Kurdistan", "Kurdistan Region"], [], [], ["Kurdish"], Some("Kurdistan Regional Government")),
    territory!("Crimea", [], [], ["Simferopol"], ["Crimean"], None),
    territory!("Catalonia", ["Catalunya"], [], [], ["Catalan"], Some("Catalan government")),
    territory!("Scotland", [], [], ["Holyrood"], ["Scottish"], Some("Scottish government")),
    territory!("Wales", [], [], ["Cardiff"], ["Welsh"], Some("Welsh government")),
    territory!("Northern Ireland", [], [], ["Stormont"], ["Northern Irish"], None),
    territory!("England", [], [], [], [], None),
    territory!("Hong Kong", [], [], [], [], None),
    territory!("Macau", ["Macao"], [], [], [], None),
    territory!("Greenland", [], [], ["Nuuk"], ["Greenlandic"], None),
    territory!("Puerto Rico", [], [], ["San Juan"], ["Puerto Rican"], None),
    territory!("Quebec", [], [], [], ["Quebecois"], None),
    territory!("Western Sahara", [], [], ["Laayoune"], ["Sahrawi"], None),
    territory!("Somaliland", [], [], ["Hargeisa"], [], None),
    territory!("Northern Cyprus", [], [], [], ["Turkish Cypriot"], None),
    territory!("Gaza", ["Gaza Strip"], [], [], [], None),
    territory!("West Bank", [], [], [], [], None),
    territory!("Tibet", [], [], ["Lhasa"], ["Tibetan"], None),
    territory!("Xinjiang", [], [], ["Urumqi"], [], None),
    territory!("Chechnya", [], [], ["Grozny"], ["Chechen"], None),
    territory!("Abkhazia", [], [], ["Sukhumi"], [], None),
    territory!("South Ossetia", [], [], ["Tskhinvali"], [], None),
    territory!("Transnistria", [], [], ["Tiraspol"], [], None),
    territory!("Kashmir", [], [], [], ["Kashmiri"], None),
    territory!("Flanders", [], [], [], ["Flemish"], None),
    territory!("Wallonia", [], [], [], ["Walloon"], None),
    territory!("Bavaria", [], [], [], ["Bavarian"], None),
    territory!("Basque Country", [], [], [], ["Basque"], None),
    territory!("Corsica", [], [], [], ["Corsican"], None),
];

/// International bodies, blocs, regional governments, well-known parties, agencies, armed
/// groups, NGOs and companies that often act in the news.
#[rustfmt::skip]
pub static ORGS: &[Org] = &[
    // International bodies and blocs.
    org!("European Union", [], ["EU"], ["Brussels"], ["European"]),
    org!("European Commission", [], [], ["Berlaymont"], []),
    org!("European Parliament", [], [], [], []),
    org!("European Council", [], [], [], []),
    org!("Council of the European Union", ["Council of the EU"], [], [], []),
    org!("European Central Bank", [], ["ECB"], [], []),
    org!("European Investment Bank", [], ["EIB"], [], []),
    org!("Court of Justice of the European Union", ["European Court of Justice"], ["CJEU", "ECJ"], [], []),
    org!("European Court of Human Rights", [], ["ECHR"], [], []),
    org!("Council of Europe", [], [], [], []),
    org!("Eurogroup", [], [], [], []),
    org!("Frontex", [], [], [], []),
    org!("Europol", [], [], [], []),
    org!("United Nations", [], ["UN"], [], []),
    org!("UN Security Council", ["United Nations Security Council", "Security Council"], ["UNSC"], [], []),
    org!("UN General Assembly", ["United Nations General Assembly", "General Assembly"], ["UNGA"], [], []),
    org!("UN Human Rights Council", [ "United Nations Human Rights Council", "Human Rights Council" ], ["UNHRC"], [], []),
    org!("UNHCR", [ "UN refugee agency", "United Nations High Commissioner for Refugees" ], [], [], []),
    org!("UNICEF", ["United Nations Children's Fund"], [], [], []),
    org!("UNESCO", [], [], [], []),
    org!("UNRWA", [], [], [], []),
    org!("United Nations Environment Programme", ["UN Environment Programme"], ["UNEP"], [], []),
    org!("United Nations Development Programme", ["UN Development Programme"], ["UNDP"], [], []),
    org!("World Food Programme", [], ["WFP"], [], []),
    org!("Food and Agriculture Organization", [], ["FAO"], [], []),
    org!("International Labour Organization", ["International Labour Organisation"], ["ILO"], [], []),
    org!("World Health Organization", ["World Health Organisation"], ["WHO"], [], []),
    org!("International Monetary Fund", [], ["IMF"], [], []),
    org!("World Bank", [], [], [], []),
    org!("World Trade Organization", ["World Trade Organisation"], ["WTO"], [], []),
    org!("International Atomic Energy Agency", [], ["IAEA"], [], []),
    org!("International Energy Agency", [], ["IEA"], [], []),
    org!("International Criminal Court", [], ["ICC"], [], []),
    org!("International Court of Justice", ["World Court"], ["ICJ"], [], []),
    org!("Organisation for the Prohibition of Chemical Weapons", ["Organization for the Prohibition of Chemical Weapons"], ["OPCW"], [], []),
    org!("Intergovernmental Panel on Climate Change", [], ["IPCC"], [], []),
    org!("International Seabed Authority", [], ["ISA"], [], []),
    org!("International Maritime Organization", [], ["IMO"], [], []),
    org!("International Civil Aviation Organization", [], ["ICAO"], [], []),
    org!("Organisation for Economic Co-operation and Development", ["Organization for Economic Cooperation and Development"], ["OECD"], [], []),
    org!("Organization of the Petroleum Exporting Countries", ["Organisation of the Petroleum Exporting Countries"], ["OPEC"], [], []),
    org!("North Atlantic Treaty Organization", ["North Atlantic Treaty Organisation"], ["NATO", "Nato"], [], []),
    org!("Organization for Security and Co-operation in Europe", ["Organisation for Security and Co-operation in Europe"], ["OSCE"], [], []),
    org!("African Union", [], [], [], []),
    org!("Arab League", [], [], [], []),
    org!("Gulf Cooperation Council", [], ["GCC"], [], []),
    org!("Association of Southeast Asian Nations", [], ["ASEAN"], [], []),
    org!("Organization of American States", [], ["OAS"], [], []),
    org!("Economic Community of West African States", [], ["ECOWAS"], [], []),
    org!("Southern African Development Community", [], ["SADC"], [], []),
    org!("Mercosur", [], [], [], []),
    org!("Asia-Pacific Economic Cooperation", [], ["APEC"], [], []),
    org!("Group of Seven", [], ["G7"], [], []),
    org!("Group of 20", ["Group of Twenty"], ["G20"], [], []),
    org!("BRICS", [], [], [], []),
    org!("Commonwealth", [], [], [], []),
    org!("African Development Bank", [], ["AfDB"], [], []),
    org!("Asian Development Bank", [], ["ADB"], [], []),
    org!("Inter-American Development Bank", [], ["IDB"], [], []),
    org!("Asian Infrastructure Investment Bank", [], ["AIIB"], [], []),
    org!("European Bank for Reconstruction and Development", [], ["EBRD"], [], []),
    org!("Bank for International Settlements", [], ["BIS"], [], []),
    org!("Financial Action Task Force", [], ["FATF"], [], []),
    org!("Interpol", [], [], [], []),
    // Central banks.
    org!("Federal Reserve", [], ["Fed"], [], []),
    org!("Bank of England", [], ["BoE"], [], []),
    org!("Bank of Japan", [], ["BoJ", "BOJ"], [], []),
    org!("People's Bank of China", [], ["PBOC"], [], []),
    org!("Bundesbank", [], [], [], []),
    org!("Reserve Bank of India", [], ["RBI"], [], []),
    org!("Swiss National Bank", [], ["SNB"], [], []),
    org!("Bank of Canada", [], [], [], []),
    // Regional governments (territories point at these).
    org!("Kurdistan Regional Government", ["Kurdish Regional Government"], ["KRG"], ["Erbil", "Arbil", "Irbil"], []),
    org!("Palestinian Authority", [], [], [], []),
    org!("Catalan government", ["Generalitat", "Generalitat de Catalunya"], [], [], []),
    org!("Scottish government", [], [], [], []),
    org!("Welsh government", [], [], [], []),
    // Armed and militant groups.
    org!("Kurdistan Workers' Party", [], ["PKK"], [], []),
    org!("People's Protection Units", [], ["YPG"], [], []),
    org!("Syrian Democratic Forces", [], ["SDF"], [], []),
    org!("Islamic State", ["Daesh"], ["ISIS", "ISIL"], [], []),
    org!("Jabhat Fateh al-Sham", ["Nusra Front", "al-Nusra Front"], [], [], []),
    org!("Hayat Tahrir al-Sham", [], ["HTS"], [], []),
    org!("al-Qaeda", ["al Qaeda", "Al Qaeda", "Al-Qaeda"], [], [], []),
    org!("al-Shabaab", ["al Shabaab", "Al-Shabaab"], [], [], []),
    org!("Taliban", [], [], [], []),
    org!("Hamas", [], [], [], []),
    org!("Hezbollah", [], [], [], []),
    org!("Houthis", ["Houthi movement", "Ansar Allah"], [], [], []),
    org!("Boko Haram", [], [], [], []),
    org!("Wagner Group", ["Wagner"], [], [], []),
    org!("Palestine Liberation Organization", [], ["PLO"], [], []),
    org!("Fatah", [], [], [], []),
    org!("Muslim Brotherhood", [], [], [], []),
    // Intelligence and security agencies.
    org!("Mossad", [], [], [], []),
    org!("Central Intelligence Agency", [], ["CIA"], [], []),
    org!("Federal Bureau of Investigation", [], ["FBI"], [], []),
    // Parties that often appear under an acronym.
    org!("Justice and Development Party", ["AK Party"], ["AKP"], [], []),
    org!("Republican People's Party", [], ["CHP"], [], []),
    org!("Peoples' Democratic Party", [], ["HDP"], [], []),
    org!("African National Congress", [], ["ANC"], [], []),
    org!("Bharatiya Janata Party", [], ["BJP"], [], []),
    org!("Christian Democratic Union", [], ["CDU"], [], []),
    org!("Social Democratic Party", [], ["SPD"], [], []),
    org!("Alternative for Germany", [], ["AfD"], [], []),
    org!("Republican Party", [], ["GOP"], [], []),
    // NGOs, sports bodies, agencies and companies.
    org!("Amnesty International", ["Amnesty"], [], [], []),
    org!("Human Rights Watch", [], ["HRW"], [], []),
    org!("Greenpeace", [], [], [], []),
    org!("Oxfam", [], [], [], []),
    org!("International Committee of the Red Cross", ["Red Cross"], ["ICRC"], [], []),
    org!("Medecins Sans Frontieres", ["Doctors Without Borders"], ["MSF"], [], []),
    org!("Transparency International", [], [], [], []),
    org!("World Wide Fund for Nature", [], ["WWF"], [], []),
    org!("International Olympic Committee", [], ["IOC"], [], []),
    org!("FIFA", [], [], [], []),
    org!("UEFA", [], [], [], []),
    org!("Moody's", [], [], [], []),
    org!("Fitch", ["Fitch Ratings"], [], [], []),
    org!("S&P Global", ["Standard & Poor's"], [], [], []),
];

/// Titles and roles that introduce a person's name ("President", "spokeswoman", "Sen.").
/// Matched case-insensitively when written in lower case before a name.
#[rustfmt::skip]
pub static TITLES: &[&str] = &[
    "President", "Vice-President", "President-elect", "Premier", "Minister", "Minister-President",
    "Secretary", "Chancellor", "Vice-Chancellor", "Senator", "Sen", "Rep", "Representative",
    "Congressman", "Congresswoman", "Governor", "Gov", "Mayor", "Deputy", "Chief", "Executive",
    "CEO", "Chairman", "Chairwoman", "Chairperson", "Chair", "Director", "Director-General", "Head",
    "Leader", "Spokesman", "Spokeswoman", "Spokesperson", "Judge", "Justice", "King", "Queen",
    "Prince", "Princess", "Emir", "Sultan", "Sheikh", "Pope", "Ayatollah", "Imam", "Archbishop",
    "Bishop", "Cardinal", "Rabbi", "Mr", "Mrs", "Ms", "Miss", "Dr", "Prof", "Professor", "General",
    "Gen", "Colonel", "Col", "Lieutenant", "Lt", "Captain", "Capt", "Admiral", "Adm", "Commander",
    "Marshal", "Sergeant", "Sgt", "Ambassador", "Envoy", "Commissioner", "Counterpart", "Lawmaker",
    "Legislator", "MP", "MEP", "Speaker", "Attorney", "Prosecutor", "Coordinator", "Founder",
    "Co-founder", "Treasurer", "Ombudsman", "Negotiator", "Official", "Adviser", "Advisor", "Aide",
    "Councillor", "Councilor", "Delegate", "Dean", "Rector", "Superintendent", "Inspector",
    "Economist", "Analyst", "Lord", "Lady", "Baroness", "Sir", "Dame", "Sheikha", "Crown",
    "Economy", "Manager", "Researcher", "Campaigner", "Activist", "Organiser", "Organizer", "Vice",
    "Senior", "Presidential", "Governor-General",
];

/// Titles that speak for a state: a person introduced with one of these and a country
/// ("Turkish President ...", "Iran's foreign minister ...") is merged into that country.
/// Legislators, judges, activists and the like keep their own voice.
#[rustfmt::skip]
pub static EXECUTIVE_TITLES: &[&str] = &[
    "president", "vice-president", "premier", "minister", "secretary", "chancellor", "king",
    "queen", "prince", "emir", "sultan", "sheikh", "ayatollah", "spokesman", "spokeswoman",
    "spokesperson", "ambassador", "envoy", "counterpart", "official", "negotiator", "leader",
    "commissioner", "head", "chief", "director", "director-general", "governor", "delegate",
    "minister-president", "chairman", "chairwoman", "chairperson", "chair", "executive", "ceo",
    "aide", "adviser", "advisor", "coordinator", "general", "secretary-general", "pope",
];

/// Portfolio words that sit between a title and a name ("Secretary of State Antony Blinken").
#[rustfmt::skip]
pub static PORTFOLIOS: &[&str] = &[
    "State", "Defence", "Defense", "Finance", "Foreign", "Affairs", "Health", "Justice", "Interior",
    "Home", "Energy", "Trade", "Education", "Agriculture", "Economy", "Labour", "Labor",
    "Transport", "Environment", "Culture", "Industry", "Commerce", "Treasury", "Development",
    "Climate", "Housing", "Security", "Homeland", "Investment", "Tourism", "Communications",
    "Digital", "Science", "Technology", "Planning", "Europe", "European", "International",
    "Employment", "Works", "Public", "Social", "Welfare", "Women", "Youth", "Sport", "Sports",
    "Fisheries", "Mines", "Mining", "Petroleum", "Oil", "Water", "Resources", "Natural",
    "Infrastructure", "Budget", "Pensions", "Immigration", "Migration", "Police", "Economic",
    "Legal", "Cabinet", "Oceans", "Maritime", "Prime", "Vice", "Deputy", "Senior", "Supreme",
    "Crown", "Grand", "Assistant", "Junior", "Principal", "Permanent", "Special", "the", "and",
    "of", "for",
];

/// Capitalised words that mark an organisation when they head a name ("... Party",
/// "Ministry of ...", "... Bank of ..."). Party nicknames ("Greens") count as well.
#[rustfmt::skip]
pub static ORG_SIGNALS: &[&str] = &[
    "Party", "Ministry", "Council", "Commission", "Court", "Union", "Unions", "Bank", "Association",
    "Associations", "Federation", "Confederation", "Agency", "Committee", "Parliament", "Congress",
    "Senate", "Government", "Authority", "Institute", "Institution", "Group", "Corp", "Corporation",
    "Inc", "Ltd", "LLC", "PLC", "Plc", "AG", "GmbH", "University", "College", "Front", "Movement",
    "Alliance", "League", "Organisation", "Organization", "Forces", "Army", "Navy", "Fund",
    "Foundation", "Trust", "Society", "Service", "Services", "Office", "Department", "Bureau",
    "Board", "Centre", "Center", "Company", "Network", "Coalition", "Consortium", "Bloc",
    "Assembly", "Chamber", "Conference", "Community", "Programme", "Program", "Secretariat",
    "Tribunal", "Treasury", "Reserve", "Academy", "Church", "Directorate", "Inspectorate",
    "Initiative", "Campaign", "Caucus", "Cabinet", "Labour", "Conservatives", "Democrats",
    "Republicans", "Greens", "Liberals", "Socialists", "Tories", "Airlines", "Airways", "Airport",
    "Hospital", "Railways", "Holdings", "Industries", "Administration", "Guard", "Police",
    "Brigade", "Brigades", "Militia", "Watch", "Panel", "Cooperative", "Co-operative", "Collective",
    "Observatory", "Syndicate", "Confederacy", "Club", "Mission", "Presidency", "Executive",
    "Legislature", "Guild", "Metals", "Mining", "Minerals", "Resources", "Energy", "Petroleum",
    "Motors", "Pharmaceuticals", "Technologies", "Systems", "Solutions", "Logistics", "Shipping",
    "Capital", "Partners", "Investments", "Ventures", "Securities", "Insurance", "Media", "Telecom",
    "Labs", "Electric", "Steel", "Chemicals", "Utilities", "Partnership", "Post", "Times",
    "Journal", "News", "Herald", "Tribune", "Gazette", "Telegraph", "Press", "Television", "Radio",
    "Broadcasting",
];

/// Heads that make a country-prefixed body part of that country's government
/// ("Turkish Foreign Ministry", "U.S. Treasury"): merged into the country by policy.
#[rustfmt::skip]
pub static GOVERNMENT_HEADS: &[&str] = &[
    "Government", "Administration", "Ministry", "Department", "Treasury", "Cabinet", "Presidency",
    "Embassy", "Office", "Executive", "Foreign Office", "government", "administration", "ministry",
    "department", "cabinet", "presidency", "embassy",
];

/// Lower-case nouns after a demonym or possessive that make it an actor mention
/// ("Turkish officials", "the Iraqi central government", "Beijing's delegation").
#[rustfmt::skip]
pub static ACTOR_NOUNS: &[&str] = &[
    "government", "governments", "officials", "official", "authorities", "president", "leader",
    "leaders", "leadership", "ministry", "minister", "ministers", "counterpart", "counterparts",
    "delegation", "delegates", "diplomats", "diplomat", "diplomacy", "embassy", "envoy",
    "ambassador", "spokesman", "spokeswoman", "spokesperson", "administration", "forces", "army",
    "military", "troops", "navy", "negotiators", "cabinet", "parliament", "regime", "side",
    "presidency", "lawmakers", "prime", "premier", "chancellor", "king", "authority", "state",
    "executive", "foreign", "high", "mission", "consulate", "junta",
];

/// Lower-case modifiers allowed between a demonym and its actor noun ("Iraqi central
/// government", "French foreign ministry spokeswoman").
#[rustfmt::skip]
pub static ACTOR_MODIFIERS: &[&str] = &[
    "central", "federal", "national", "foreign", "interior", "defence", "defense", "finance",
    "trade", "economy", "economic", "commerce", "health", "energy", "education", "environment",
    "agriculture", "justice", "climate", "labour", "labor", "transport", "industry", "culture",
    "top", "senior", "new", "current", "interim", "caretaker", "transitional", "regional",
    "provincial", "state", "government", "affairs", "mines", "fisheries", "security", "armed",
    "coalition", "military", "ruling", "outgoing", "incoming", "acting", "deputy", "chief", "prime",
    "environmental", "digital", "development", "investment", "tourism", "housing",
];

/// Words before a capital that make it a place rather than an actor ("in Brasilia").
#[rustfmt::skip]
pub static LOCATIVES: &[&str] = &[
    "in", "at", "from", "near", "outside", "inside", "into", "around", "across", "through",
    "toward", "towards", "via", "of", "to", "visit", "visited", "visiting", "flew", "arrived",
    "based", "within", "throughout", "over", "downtown", "central",
];

/// Lower-case nouns after a capital that make it a modifier, not an actor ("Astana talks").
#[rustfmt::skip]
pub static CAPITAL_MODIFIED_NOUNS: &[&str] = &[
    "talks", "process", "agreement", "accord", "accords", "summit", "declaration", "protocol",
    "conference", "meeting", "format", "correspondent", "bureau", "office", "airport", "metro",
    "police", "mayor", "city", "residents", "street", "streets", "region", "suburb", "suburbs",
    "area", "stock", "exchange", "consensus", "olympics", "marathon", "club", "university", "time",
    "based", "-based", "court", "water", "utility", "municipality", "council", "province",
    "district", "correspondents", "bourse", "index", "hospital", "school", "zoo", "rally",
];

/// Month abbreviations: a month only before a day number or with a dot ("Jan 4", "Jan."),
/// otherwise possibly a name ("Jan Peeters").
#[rustfmt::skip]
pub static MONTH_ABBREVIATIONS: &[&str] = &[
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "May",
];

/// Lower-case verbs of speaking and stance-taking: a name followed (or, after a quote, preceded)
/// by one of these is an actor.
#[rustfmt::skip]
pub static SPEECH_VERBS: &[&str] = &[
    "said", "says", "say", "told", "tells", "added", "adds", "warned", "warns", "stated", "states",
    "noted", "notes", "argued", "argues", "insisted", "insists", "stressed", "stresses", "urged",
    "urges", "called", "calls", "claimed", "claims", "announced", "announces", "declared",
    "declares", "denied", "denies", "acknowledged", "acknowledges", "conceded", "concedes",
    "explained", "explains", "wrote", "writes", "tweeted", "posted", "replied", "responded",
    "countered", "complained", "complains", "suggested", "suggests", "predicted", "welcomed",
    "welcomes", "criticised", "criticized", "criticises", "criticizes", "rejected", "rejects",
    "praised", "praises", "accused", "accuses", "demanded", "demands", "pledged", "pledges",
    "vowed", "vows", "promised", "promises", "threatened", "threatens", "condemned", "condemns",
    "opposed", "opposes", "backed", "backs", "supported", "supports", "asked", "hoped", "hopes",
    "expects", "expected", "believes", "believed", "underlined", "emphasised", "emphasized",
    "reiterated", "reiterates", "confirmed", "confirms", "declined", "dismissed", "dismisses",
    "described", "describes", "cautioned", "signalled", "signaled", "agreed", "agrees", "objected",
    "objects", "wants", "wanted", "welcomed", "announced", "endorsed", "endorses", "defended",
    "defends", "questioned", "questions", "challenged", "challenges", "slammed", "blasted",
    "hailed", "hails", "decried", "denounced", "denounces", "appealed", "appeals", "proposed",
    "proposes", "recommended", "recommends", "voted", "votes", "sued", "filed", "ruled", "rules",
    "admitted", "admits", "reported", "reports", "thinks", "thought", "fears", "feared",
    "maintains", "maintained", "recognised", "recognized", "recognises", "recognizes", "responded",
    "commented", "remarked", "estimated", "estimates", "forecast", "forecasts", "indicated",
    "indicates", "pointed", "points", "mentioned", "lamented", "lambasted", "protested", "protests",
    "attacked", "attacks", "refused", "refuses", "accepted", "accepts", "sought", "seeks",
    "intends", "intended", "pushed", "pushes", "pressed", "presses", "lobbied", "lobbies",
    "campaigned", "campaigns", "fought", "fights", "resisted", "resists", "blocked", "blocks",
    "vetoed", "approved", "approves", "adopted", "adopts", "signed", "signs", "favours", "favoured",
    "favors", "favored", "launched", "launches", "unveiled", "unveils", "submitted", "introduced",
    "abstained", "boycotted", "withdrew", "imposed", "imposes", "ordered", "orders", "insisted",
    "plans", "planned", "announced", "released", "issued", "issues", "sent", "dismissed", "branded",
    "labelled", "labeled", "disputed", "disputes", "contested", "contests", "contends", "contended",
    "reckons", "stressed", "acknowledged", "answered",
];

/// Auxiliaries and adverbs that may sit between a subject and its speech verb.
#[rustfmt::skip]
pub static VERB_FILLERS: &[&str] = &[
    "has", "have", "had", "is", "was", "will", "would", "could", "also", "previously", "repeatedly",
    "again", "later", "earlier", "publicly", "immediately", "quickly", "strongly", "has", "then",
    "already", "now", "recently", "last", "week", "on", "Monday", "Tuesday", "Wednesday",
    "Thursday", "Friday", "Saturday", "Sunday", "yesterday", "today", "itself", "himself",
    "herself", "formally", "firmly", "openly", "privately", "separately", "jointly", "not", "did",
    "does", "do", "been", "may", "might", "must", "should", "can", "had",
];

/// Capitalised words that never belong to an actor name: function words that start sentences,
/// months, weekdays, time words and the like.
#[rustfmt::skip]
pub static STOP_WORDS: &[&str] = &[
    "The", "A", "An", "But", "And", "Or", "Nor", "In", "On", "At", "For", "From", "To", "With",
    "By", "Of", "After", "Before", "However", "Meanwhile", "Although", "While", "When", "Whenever",
    "If", "As", "It", "Its", "It's", "He", "She", "They", "We", "I", "You", "Me", "Him", "Us",
    "Them", "This", "That", "These", "Those", "There", "Their", "Theirs", "His", "Her", "Hers",
    "Our", "Ours", "My", "Your", "What", "Which", "Who", "Whom", "Whose", "Where", "Why", "How",
    "Not", "No", "Yes", "Both", "All", "Some", "Many", "Most", "Several", "Other", "Others",
    "Another", "Each", "Every", "Any", "Such", "Since", "Until", "During", "Under", "Over",
    "Despite", "Amid", "Among", "Between", "Against", "Without", "Within", "Through", "Thus",
    "Still", "Yet", "So", "Also", "Then", "Now", "Later", "Earlier", "Last", "Next", "Asked",
    "Speaking", "According", "Late", "Early", "Much", "More", "Less", "Only", "Even", "Just",
    "Instead", "Nonetheless", "Nevertheless", "Moreover", "Furthermore", "Indeed", "Unlike", "Like",
    "Unless", "Whether", "Whoever", "Because", "Though", "Once", "Here", "Do", "Does", "Did", "Is",
    "Are", "Was", "Were", "Has", "Have", "Had", "Will", "Would", "Could", "Should", "Can", "Might",
    "Must", "Let", "Today", "Tonight", "Yesterday", "Tomorrow", "Monday", "Tuesday", "Wednesday",
    "Thursday", "Friday", "Saturday", "Sunday", "January", "February", "March", "April", "June",
    "July", "August", "September", "October", "November", "December", "Former", "Ex", "Acting",
    "Interim", "Dear", "Please", "Thank", "Thanks", "Well", "Oh", "One", "Two", "Three", "Four",
    "Five", "Six", "Seven", "Eight", "Nine", "Ten", "First", "Second", "Third", "Finally",
    "Overall", "Still", "Together", "Separately", "Elsewhere", "Similarly", "Likewise", "Otherwise",
    "Again", "Perhaps", "Maybe", "Already", "Never", "Always", "Often", "Sometimes", "Recently",
    "Currently", "Previously", "Initially", "Ultimately", "Eventually", "Around", "About", "Above",
    "Below", "Across", "Along", "Behind", "Beyond", "Near", "Off", "Out", "Up", "Down", "Upon",
    "Into", "Onto", "Toward", "Towards", "Per", "Via", "Whereas", "Whatever", "Whichever",
    "Everyone", "Everybody", "Nobody", "Someone", "Somebody", "Anyone", "Nothing", "Something",
    "Everything", "Anything", "None", "Neither", "Either", "Few", "Fewer", "Half", "Part", "Read",
    "See", "Watch", "Click", "Editing", "Reporting", "Writing", "Additional", "Compiled", "Photo",
    "Video", "File", "Update", "Updated", "Breaking", "Exclusive", "Analysis", "Opinion", "Comment",
    "Sign", "Subscribe", "Advertisement", "Mrs", "Said", "Asked", "Noting", "Adding", "Citing",
    "Following", "Given", "Including", "Regarding", "Concerning", "Unlike", "Amongst", "Outside",
    "Inside", "Beside", "Besides", "Except", "Plus", "Minus", "Versus", "Vs", "Etc", "Ok", "OK",
];

/// Capitalised common nouns that start sentences as subjects ("Officials said", "Critics say")
/// and must not become actors.
#[rustfmt::skip]
pub static COMMON_SUBJECTS: &[&str] = &[
    "Officials", "Official", "Analysts", "Analyst", "Critics", "Diplomats", "Diplomat", "Experts",
    "Economists", "Investors", "Traders", "Residents", "Witnesses", "Sources", "Police",
    "Protesters", "Protestors", "Supporters", "Opponents", "Lawmakers", "Legislators", "Farmers",
    "Workers", "Activists", "Campaigners", "Environmentalists", "Doctors", "Nurses", "Teachers",
    "Unions", "Negotiators", "Observers", "People", "Voters", "Authorities", "Businesses",
    "Companies", "Members", "Ministers", "Leaders", "Parents", "Students", "Scientists",
    "Researchers", "Officers", "Executives", "Senators", "Delegates", "Rebels", "Militants",
    "Troops", "Soldiers", "Insurgents", "Residents", "Demonstrators", "Citizens", "Government",
    "Governments", "Opposition", "Industry", "Employers", "Employees", "Retailers", "Consumers",
    "Users", "Patients", "Families", "Children", "Women", "Men", "Migrants", "Refugees",
    "Journalists", "Reporters", "Judges", "Lawyers", "Prosecutors", "Banks", "Markets", "Shares",
    "Prices", "Sales", "Exports", "Imports", "Talks", "Negotiations", "Polls", "Surveys", "Data",
    "Figures", "Estimates", "Plans", "Proponents", "Advocates", "Backers", "Detractors", "Skeptics",
    "Sceptics", "Organisers", "Organizers", "Participants", "Mr", "Ms", "Mrs", "Dr", "Spokesman",
    "Spokeswoman", "Spokesperson", "Minister", "President", "Chairman", "Head", "Leader",
    "Director", "Secretary", "Chief", "Envoy", "Ambassador", "Country", "Nation", "State", "Region",
    "Agency", "Ministry", "Bank", "Court", "Party", "Council", "Parliament", "Congress", "Senate",
    "Commission", "Committee", "Union", "Group", "Europe", "Asia", "Africa", "America", "Latin",
    "Middle", "East", "West", "North", "South", "Northern", "Southern", "Eastern", "Western",
    "Central", "Global", "International", "National", "Federal", "Regional", "Local", "Public",
    "Private", "Independent", "Social", "Economic", "Political", "Financial", "Environmental",
    "Business", "Trade", "Health",
];

/// All-capital tokens that are not actors (units, currencies, common abbreviations) and news
/// agencies, which are sources rather than actors.
#[rustfmt::skip]
pub static NON_ACTOR_ACRONYMS: &[&str] = &[
    "GDP", "CEO", "CEOs", "CFO", "COO", "CTO", "COVID", "HIV", "AIDS", "VAT", "LNG", "LPG", "EV",
    "EVs", "TV", "PM", "AM", "AI", "IT", "OK", "USD", "EUR", "GBP", "JPY", "CNY", "GMT", "UTC",
    "BST", "CET", "EST", "PDF", "SMS", "URL", "FAQ", "ID", "DNA", "RNA", "CO2", "NGO", "NGOs",
    "IPO", "ETF", "LGBT", "LGBTQ", "PhD", "MW", "GW", "KW", "TWh", "GWh", "MWh", "BC", "AD", "BCE",
    "FY", "SUV", "ICU", "ATM", "PR", "HQ", "UV", "R&D", "ESG", "CPI", "PMI", "API", "APP", "CCTV",
    "SIM", "MP", "MPs", "MEP", "MEPs", "REUTERS", "Reuters", "AP", "AFP", "UPI", "DPA", "ANSA",
    "EFE", "TASS", "IRNA", "BBC", "CNN", "NBC", "CBS", "ABC", "NPR", "TRT", "RT", "Q1", "Q2", "Q3",
    "Q4", "H1", "H2", "NB", "PS", "ET", "PT", "CT", "MT", "NEWS", "UPDATE", "WRAPUP", "FACTBOX",
    "ANALYSIS", "EXCLUSIVE", "SDG", "SDGs", "IQ", "VIP", "OPEC+", "COP", "WMD", "RPG", "NPT",
    "START", "JCPOA", "TPP", "USMCA", "NAFTA", "CETA", "TTIP", "MoU", "MOU", "EEZ", "MPA", "MPAs",
];

/// Words that make a capitalised phrase a place or an event rather than an actor ("Pacific
/// Ocean", "Olympic Games").
#[rustfmt::skip]
pub static PLACE_SIGNALS: &[&str] = &[
    "Ocean", "Sea", "Gulf", "River", "Lake", "Bay", "Mountains", "Mountain", "Valley", "Island",
    "Islands", "Desert", "Peninsula", "Strait", "Straits", "Canal", "Basin", "Coast", "Province",
    "Region", "County", "District", "Street", "Square", "Avenue", "Road", "Bridge", "Port", "Hall",
    "Palace", "Stadium", "Park", "Games", "Cup", "Olympics", "Championship", "Summit", "Agreement",
    "Accord", "Treaty", "Act", "Bill", "Law", "Plan", "Day", "Week", "Year", "War", "Pipeline",
    "Dam", "Project", "Zone", "Station", "Plaza", "Town", "City", "Village", "Highway", "Pacific",
    "Atlantic", "Arctic", "North", "South", "East", "West", "Northern", "Southern", "Eastern",
    "Western", "Central", "Upper", "Lower", "Greater", "Levy", "Tax", "Tariff", "Scheme",
    "Strategy", "Directive", "Regulation", "Reform", "Budget", "Index", "Deal", "Protocol",
    "Convention", "Charter", "Declaration", "Package",
];

/// Particles that may sit inside a person's name ("bin", "al-", "de", "van", "von").
#[rustfmt::skip]
pub static NAME_PARTICLES: &[&str] = &[
    "al", "el", "bin", "ibn", "bint", "abu", "de", "da", "do", "dos", "das", "di", "del", "della",
    "du", "des", "la", "le", "van", "von", "der", "den", "ter", "ten", "y", "e", "zu",
];

/// Abbreviations written with a dot that do not end a sentence.
#[rustfmt::skip]
pub static DOTTED_ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Sen", "Rep", "Gov", "Gen", "Lt", "Col", "Capt", "Prof", "St", "Jr",
    "Sr", "Rev", "Sgt", "Adm", "Maj", "Inc", "Corp", "Ltd", "Co", "No", "Mt", "Ft", "vs", "Jan",
    "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "Cmdr", "Brig",
    "Messrs", "approx", "etc", "Fig", "Vol", "Nos",
];

/// Modifiers in a title phrase that keep a person out of the country/organisation they are
/// attached to ("former foreign minister", "opposition leader").
#[rustfmt::skip]
pub static NO_MERGE_MODIFIERS: &[&str] = &[
    "former", "ex", "opposition", "exiled", "rebel", "dissident", "late", "retired", "Former",
    "Opposition", "Exiled", "Rebel", "Dissident", "Retired",
];
