//! The words sample records are made of: the topics, each with the terms
//! that belong to it, and a vocabulary of policing words. Lists run from
//! common to rare, and `skewed` picks from their start far more often than
//! from their end, so that full-text search meets what it meets in real
//! records: a few words in nearly every record, many in only a few.

use rand::Rng;
use rand::seq::IndexedRandom;

/// A subject of scrutiny and the words its records use.
pub struct Topic {
    pub name: &'static str,
    /// What is counted, as in "per 1,000 {offences}".
    pub offences: &'static str,
    /// Terms of the topic, common first.
    pub terms: &'static [&'static str],
}

/// The topics, twenty-six of them.
#[rustfmt::skip]
pub const TOPICS: [Topic; 26] = [
    topic("Stalking", "stalking offences", &[
        "stalking protection orders", "harassment", "fixation and obsession", "cyberstalking",
        "Suzy Lamplugh advocates", "the National Stalking Helpline", "early intervention notices",
        "stalking clinics",
    ]),
    topic("Knife crime", "knife crime offences", &[
        "bladed articles", "weapons sweeps", "knife surrender bins", "Operation Sceptre",
        "habitual knife carriers", "knife arches", "test purchases of knives", "trauma surgeons",
    ]),
    topic("Domestic abuse", "domestic abuse incidents", &[
        "DASH risk assessments", "coercive control", "MARAC referrals", "Clare's Law disclosures",
        "Domestic Abuse Protection Orders", "independent domestic violence advisers", "refuge places",
        "perpetrator programmes",
    ]),
    topic("Rural crime", "rural crimes", &[
        "farm machinery theft", "fly-tipping", "hare coursing", "livestock worrying", "quad bike theft",
        "Farm Watch", "GPS trackers", "heritage crime",
    ]),
    topic("Road safety", "collisions", &[
        "the Fatal Four", "speed enforcement", "drink and drug driving", "mobile phone offences",
        "Community Speedwatch", "collision investigation", "seatbelt checks", "dashcam footage",
    ]),
    topic("Custody", "detentions", &[
        "detainees", "custody sergeants", "appropriate adults", "independent custody visitors",
        "healthcare practitioners", "cell checks", "strip searches", "pre-charge bail",
    ]),
    topic("Stop and search", "searches", &[
        "reasonable grounds", "body-worn video", "disproportionality", "Section 60 authorisations",
        "the community scrutiny panel", "the find rate", "PACE Code A", "search records",
    ]),
    topic("Neighbourhood policing", "neighbourhood incidents", &[
        "PCSOs", "ward surgeries", "community priorities", "visibility", "abstractions",
        "problem-solving plans", "Neighbourhood Watch", "beat meetings",
    ]),
    topic("101 call handling", "calls", &[
        "call abandonment", "answer times", "online reporting", "the control room", "THRIVE triage",
        "call-backs", "peak demand", "live chat",
    ]),
    topic("Fraud", "fraud reports", &[
        "courier fraud", "romance fraud", "Action Fraud referrals", "money mules",
        "the Banking Protocol", "Operation Signature", "phishing", "investment scams",
    ]),
    topic("Violence against women and girls", "VAWG offences", &[
        "the night-time economy", "Ask for Angela", "safe spaces", "Walk and Talk", "spiking",
        "street harassment", "misogyny", "Project Vigilant",
    ]),
    topic("Drugs and county lines", "drug offences", &[
        "county lines", "cuckooing", "criminal exploitation", "Project ADDER", "closure orders",
        "deal lines", "naloxone", "drug-related deaths",
    ]),
    topic("Anti-social behaviour", "ASB incidents", &[
        "Community Protection Notices", "dispersal orders", "nuisance motorbikes", "Immediate Justice",
        "hotspot patrols", "ASB case reviews", "off-road bikes", "fireworks",
    ]),
    topic("Burglary", "burglaries", &[
        "attendance at every burglary", "crime scene investigators", "repeat burglary",
        "target hardening", "cocooning", "distraction burglary", "forensic recovery", "stolen property",
    ]),
    topic("Hate crime", "hate crimes", &[
        "third-party reporting centres", "community tension", "online hate", "disability hate crime",
        "racially aggravated offences", "hate crime champions", "Stop Hate UK", "faith communities",
    ]),
    topic("Modern slavery", "modern slavery offences", &[
        "the National Referral Mechanism", "labour exploitation", "human trafficking",
        "first responders", "nail bars", "hand car washes", "safe houses",
        "slavery and trafficking risk orders",
    ]),
    topic("Child exploitation", "child exploitation referrals", &[
        "missing children", "return interviews", "the multi-agency safeguarding hub", "online grooming",
        "contextual safeguarding", "child criminal exploitation", "looked-after children",
        "disruption orders",
    ]),
    topic("Mental health", "mental health incidents", &[
        "Section 136 detentions", "places of safety", "Right Care Right Person", "street triage",
        "crisis teams", "mental health nurses", "vulnerability", "frequent callers",
    ]),
    topic("Police complaints", "complaints", &[
        "Professional Standards", "the IOPC", "complaint handling", "misconduct hearings", "vetting",
        "timeliness of reviews", "service recovery", "learning from complaints",
    ]),
    topic("Victim services", "victims referred", &[
        "the Victims' Code", "needs assessments", "restorative justice", "witness care",
        "victim satisfaction", "the victim care service", "compensation", "special measures",
    ]),
    topic("Youth justice", "young people", &[
        "out-of-court disposals", "diversion", "first-time entrants", "school liaison officers",
        "early intervention", "the Youth Justice Service", "reoffending", "custody of children",
    ]),
    topic("Cybercrime", "cyber offences", &[
        "ransomware", "Cyber Essentials", "the Regional Cyber Crime Unit", "sextortion",
        "hacked accounts", "digital forensics", "protect officers", "Cyber Choices",
    ]),
    topic("Workforce wellbeing", "officers and staff", &[
        "sickness absence", "occupational health", "assaults on officers", "Oscar Kilo", "workloads",
        "retention", "flexible working", "trauma support",
    ]),
    topic("Use of force", "use-of-force incidents", &[
        "Taser", "use-of-force forms", "de-escalation", "PAVA spray", "restraint", "handcuffing",
        "the independent scrutiny panel", "officer safety training",
    ]),
    topic("Serious violence", "serious violence offences", &[
        "the Violence Reduction Unit", "hotspot policing", "Grip patrols", "A&E data sharing",
        "the Serious Violence Duty", "homicide reviews", "focused deterrence", "youth outreach",
    ]),
    topic("Retail crime", "shop thefts", &[
        "shoplifting", "assaults on shop workers", "Pegasus", "prolific offenders",
        "town centre patrols", "retail radio", "facial recognition", "business crime partnerships",
    ]),
];

const fn topic(name: &'static str, offences: &'static str, terms: &'static [&'static str]) -> Topic {
    Topic {
        name,
        offences,
        terms,
    }
}

/// Things a force does or measures, common first.
#[rustfmt::skip]
pub const NOUNS: &[&str] = &[
    "victims", "officers", "partners", "performance", "training", "data", "investigations", "outcomes",
    "safeguarding", "demand", "resources", "staff", "communities", "the action plan", "supervision",
    "charge rates", "repeat victims", "referrals", "prevention", "intelligence", "governance",
    "the delivery plan", "risk assessments", "arrests", "quality assurance", "case files",
    "the workforce", "digital evidence", "partnership working", "recorded crime", "feedback",
    "satisfaction", "hotspots", "early help", "response times", "visibility", "vulnerability",
    "analysts", "dashboards", "audits", "the local authority", "health partners",
    "the Crown Prosecution Service", "probation", "housing providers", "schools",
    "the voluntary sector", "volunteers", "specialist teams", "problem profiles", "crime recording",
    "file quality", "bail management", "disclosure", "body-worn video", "problem-solving", "the public",
    "perpetrators", "young people", "older people", "repeat locations", "patrol plans", "tasking",
    "the control strategy", "neighbourhood teams", "the HMICFRS inspection", "the peer review",
    "the improvement plan", "case reviews", "lessons learned", "the victims' voice", "equality data",
    "ethnicity data", "scrutiny panels", "the Force's website", "social media", "public confidence",
    "surveys", "the crime survey", "trend analysis", "forecasting", "capacity", "overtime",
    "abstraction rates", "student officers", "detective numbers", "caseloads", "vacancies", "mentoring",
    "continuous professional development", "accreditation", "the College of Policing",
    "authorised professional practice", "national guidance", "regional collaboration", "mutual aid",
    "the estates strategy", "vehicles", "mobile devices", "the records management system", "Niche",
    "data quality", "information sharing agreements", "joint inspections",
    "the community safety partnership", "commissioned services", "grant funding", "the Home Office",
    "value for money", "the precept", "the medium-term financial plan", "procurement",
    "contract monitoring", "outreach workers", "interpreters", "accessible formats",
    "independent advisory groups", "youth councils", "faith leaders", "licensing", "trading standards",
    "environmental health", "the fire service", "ambulance colleagues", "magistrates", "court backlogs",
    "attrition", "evidence-led prosecutions", "victimless prosecutions", "orders breached",
    "ancillary orders", "electronic monitoring", "offender management", "IOM cohorts", "desistance",
    "restorative approaches", "signposting", "wellbeing checks", "welfare visits",
];

/// What a force does, as "to {verb} …", common first.
#[rustfmt::skip]
pub const VERBS: &[&str] = &[
    "improve", "increase", "reduce", "review", "monitor", "support", "understand", "strengthen",
    "tackle", "prevent", "identify", "target", "protect", "evaluate", "embed", "deliver", "measure",
    "publish", "share", "develop", "expand", "prioritise", "sustain", "audit", "benchmark", "refresh",
    "streamline", "escalate", "triage", "disrupt", "safeguard", "signpost", "quality-assure", "map",
    "recruit", "retain", "commission", "pilot", "roll out", "consolidate", "align", "resource",
];

/// How things are, common first.
#[rustfmt::skip]
pub const ADJECTIVES: &[&str] = &[
    "consistent", "timely", "effective", "robust", "clear", "local", "specialist", "accurate",
    "proactive", "visible", "victim-focused", "joined-up", "sustained", "improved", "targeted",
    "proportionate", "transparent", "evidence-based", "accessible", "trauma-informed", "multi-agency",
    "intelligence-led", "risk-based", "well-supervised", "dedicated", "neighbourhood-based", "regional",
    "independent", "rigorous", "comprehensive", "innovative", "tailored", "preventative", "digital",
];

/// Who reviews or inspects.
pub const BODIES: &[&str] = &[
    "HMICFRS",
    "the College of Policing",
    "the OPCC's scrutiny team",
    "an independent reviewer",
    "internal audit",
    "the Home Office",
    "Teesside University",
    "the community scrutiny panel",
    "the Local Criminal Justice Board",
    "the National Police Chiefs' Council",
    "Durham University",
    "the Victims' Commissioner",
    "the Domestic Abuse Commissioner",
    "the Crown Prosecution Service",
];

/// What the PCC compares the Force with.
pub const COMPARATORS: &[&str] = &[
    "the England and Wales average",
    "its most similar forces",
    "the North East region",
    "the national picture",
    "the same period last year",
    "the three-year trend",
];

/// Roles of action owners and of those who attend.
pub const RANKS: &[&str] = &[
    "Chief Inspector",
    "Superintendent",
    "Detective Superintendent",
    "Detective Chief Inspector",
    "Inspector",
    "Chief Superintendent",
    "Head of Performance",
    "Head of Strategic Planning",
    "OPCC Head of Scrutiny",
    "OPCC Commissioning Manager",
];

#[rustfmt::skip]
pub const FIRST_NAMES: &[&str] = &[
    "Sarah", "James", "Helen", "Mark", "Joanne", "David", "Claire", "Paul", "Emma", "Richard", "Lisa",
    "Andrew", "Rachel", "Steven", "Louise", "Gary", "Nicola", "Jason", "Karen", "Simon", "Amira",
    "Tariq", "Priya", "Kwame", "Siobhan", "Gareth", "Fiona", "Rhys", "Megan", "Callum",
];

#[rustfmt::skip]
pub const SURNAMES: &[&str] = &[
    "Smith", "Walker", "Robinson", "Thompson", "Wright", "Hughes", "Carter", "Bell", "Armstrong",
    "Dixon", "Henderson", "Pearson", "Barker", "Shaw", "Metcalfe", "Atkinson", "Hussain", "Khan",
    "Patel", "Begum", "O'Neill", "Murphy", "Lowe", "Fletcher", "Brennan", "Lawson", "Hodgson", "Dobson",
];

/// Who the Force works with.
#[rustfmt::skip]
pub const PARTNERS: &[&str] = &[
    "the local authority", "health partners", "the Crown Prosecution Service", "probation",
    "housing providers", "schools", "the voluntary sector", "the fire service", "victim services",
    "the community safety partnership", "youth services", "neighbouring forces",
];

/// Who is trained.
#[rustfmt::skip]
pub const GROUPS: &[&str] = &[
    "officers", "frontline officers", "staff", "supervisors", "call handlers", "detectives",
    "PCSOs", "student officers", "custody staff", "neighbourhood teams",
];

/// Where meetings are held.
pub const PLACES: &[&str] = &[
    "Police and Crime Commissioner's Office, Middlesbrough",
    "Force Headquarters, Middlesbrough",
    "Online, by Microsoft Teams",
    "Hartlepool Civic Centre",
    "Redcar Community Hub",
    "Stockton Central Library",
];

/// Picks any item, equally.
pub fn any<'a>(rng: &mut impl Rng, items: &[&'a str]) -> &'a str {
    items.choose(rng).copied().unwrap_or_default()
}

/// Picks an item, the earlier ones far more often: the first tenth of a
/// list is picked about half the time, its last half about one time in five.
pub fn skewed<'a>(rng: &mut impl Rng, items: &[&'a str]) -> &'a str {
    let u: f64 = rng.random();
    let index = (u.powi(3) * items.len() as f64) as usize;
    items.get(index).copied().unwrap_or_default()
}

/// A person's name.
pub fn name(rng: &mut impl Rng) -> String {
    format!("{} {}", any(rng, FIRST_NAMES), any(rng, SURNAMES))
}

/// A noun phrase: sometimes with an adjective, sometimes "X and Y".
pub fn phrase(rng: &mut impl Rng, topic: &Topic) -> String {
    let noun = if rng.random_bool(0.4) {
        skewed(rng, topic.terms)
    } else {
        skewed(rng, NOUNS)
    };
    match rng.random_range(0..4) {
        0 => described(skewed(rng, ADJECTIVES), noun),
        1 => format!("{noun} and {}", skewed(rng, NOUNS)),
        _ => noun.to_owned(),
    }
}

/// `noun` with `adjective`: after its "the", and not at all before a name.
fn described(adjective: &str, noun: &str) -> String {
    match noun.strip_prefix("the ") {
        Some(rest) if !rest.starts_with(char::is_uppercase) => format!("the {adjective} {rest}"),
        None if !noun.starts_with(char::is_uppercase) => format!("{adjective} {noun}"),
        _ => noun.to_owned(),
    }
}

/// Capitalises the first letter.
pub fn capital(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn every_topic_has_a_slug_of_its_own() {
        let slugs: std::collections::HashSet<_> = TOPICS
            .iter()
            .map(|t| crate::domain::slug::topic_slug(t.name).expect("a slug"))
            .collect();
        assert_eq!(slugs.len(), TOPICS.len());
    }

    #[test]
    fn an_adjective_goes_after_the_and_never_before_a_name() {
        assert_eq!(described("robust", "the action plan"), "the robust action plan");
        assert_eq!(described("robust", "victims"), "robust victims");
        assert_eq!(
            described("robust", "Community Speedwatch"),
            "Community Speedwatch"
        );
        assert_eq!(described("robust", "the IOPC"), "the IOPC");
    }

    #[test]
    fn skewed_picks_the_start_of_a_list_most_often() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let picks: Vec<_> = (0..10_000).map(|_| skewed(&mut rng, NOUNS)).collect();
        let first = picks.iter().filter(|w| **w == NOUNS[0]).count();
        let last = picks.iter().filter(|w| **w == NOUNS[NOUNS.len() - 1]).count();
        assert!(first > 1_000, "{first}");
        assert!(last < 60, "{last}");
    }
}
