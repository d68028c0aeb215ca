//! TEMPORARY placeholder until the discovery module lands (not to be committed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorKind {
    Person,
    Organisation,
    Country,
}
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoveredActor {
    pub name: String,
    pub kind: ActorKind,
    pub aliases: Vec<String>,
    pub mentions: usize,
    pub first_offset: usize,
}
pub fn discover_actors(_text: &str) -> Vec<DiscoveredActor> {
    Vec::new()
}
pub fn known_aliases(_name: &str, _text: &str) -> Vec<String> {
    Vec::new()
}
