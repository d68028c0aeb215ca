//! The analysis of one document: the entities found so far, their mentions and pending
//! names, and the first reading of every chunk ([`Analysis::classify`]). The other readings
//! are in `places`, `people`, `pending`, `merge` and `actors`.

use super::*;

/// A growing actor.
#[derive(Debug, Clone)]
pub(super) struct Entity {
    pub(super) kind: ActorKind,
    pub(super) target: Option<Target>,
    /// Full-name surfaces and alias surfaces with their first offsets, in text order.
    pub(super) names: Vec<(String, usize)>,
    pub(super) aliases: Vec<(String, usize)>,
    /// Start offsets of the mentions.
    pub(super) mentions: BTreeSet<usize>,
    /// Lower-cased words of a person's name.
    pub(super) person_words: Vec<String>,
    pub(super) titled: bool,
    pub(super) spoke: bool,
    pub(super) org_signal: bool,
    pub(super) acronym: bool,
    pub(super) affiliated: bool,
    /// Whether it comes from an unrecognised capitalised word.
    pub(super) unknown: bool,
    /// A bare signal word ("Commission", "Police") without a name of its own.
    pub(super) generic: bool,
    /// Some mention is in an actor position (not only "in Yemen" or a list of places).
    pub(super) strong: bool,
}

impl Entity {
    pub(super) fn new(kind: ActorKind, target: Option<Target>) -> Entity {
        Entity {
            kind,
            target,
            names: Vec::new(),
            aliases: Vec::new(),
            mentions: BTreeSet::new(),
            person_words: Vec::new(),
            titled: false,
            spoke: false,
            org_signal: false,
            acronym: false,
            affiliated: false,
            unknown: false,
            generic: false,
            strong: false,
        }
    }
}

/// A name-like chunk waiting for the whole article to be read.
#[derive(Debug, Clone, Copy)]
pub(super) struct Pending {
    pub(super) span: Span,
    pub(super) spoke: bool,
    /// Followed by an actor phrase ("Gujarat state government", "UGT union").
    pub(super) actor_phrase: Option<ActorKind>,
}

/// A person tied by a title to the actor mentioned at token `tok`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Affiliation {
    pub(super) person: usize,
    pub(super) tok: usize,
    pub(super) executive: bool,
    pub(super) no_merge: bool,
}

/// Whether a chunk is being read as the front of a title phrase ("Turkish" in "Turkish
/// President ..."), where a demonym counts as a mention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ctx {
    Normal,
    BeforeTitle,
}

pub(super) struct Analysis<'d, 'a> {
    pub(super) doc: &'d Doc<'a>,
    pub(super) lex: &'static Lexicon,
    pub(super) ents: Vec<Entity>,
    pub(super) keys: HashMap<String, usize>,
    /// Entity each token was assigned to.
    pub(super) tok_ent: Vec<Option<usize>>,
    pub(super) pending: Vec<Pending>,
    /// (long form, acronym) pairs defined as "Long Form (ACR)".
    pub(super) acronym_defs: Vec<(Span, Span)>,
    pub(super) affiliations: Vec<Affiliation>,
    /// Persons with a national title but no named country ("Finance Minister X").
    pub(super) home_officials: Vec<usize>,
    /// Persons by the last and by the first word of their name.
    pub(super) by_last_word: HashMap<String, Vec<usize>>,
    pub(super) by_first_word: HashMap<String, Vec<usize>>,
    /// Entity merged into another.
    pub(super) merged_into: Vec<Option<usize>>,
}

impl<'d, 'a> Analysis<'d, 'a> {
    pub(super) fn new(doc: &'d Doc<'a>) -> Self {
        Analysis {
            doc,
            lex: lexicon(),
            ents: Vec::new(),
            keys: HashMap::new(),
            tok_ent: vec![None; doc.len()],
            pending: Vec::new(),
            acronym_defs: Vec::new(),
            affiliations: Vec::new(),
            home_officials: Vec::new(),
            by_last_word: HashMap::new(),
            by_first_word: HashMap::new(),
            merged_into: Vec::new(),
        }
    }

    pub(super) fn run(&mut self) {
        for sp in self.doc.chunks() {
            self.note_acronym_definition(sp);
            self.classify(sp, Ctx::Normal);
        }
        self.resolve_acronym_definitions();
        self.promote_pending_people();
        self.resolve_pending();
        self.merged_into = vec![None; self.ents.len()];
        self.merge_person_suffixes();
        self.merge_head_words();
        self.merge_territories();
        self.merge_affiliations();
        self.merge_home_officials();
    }

    // ----- entities and mentions ----------------------------------------------------------

    pub(super) fn entity(&mut self, key: String, kind: ActorKind, target: Option<Target>) -> usize {
        if let Some(&id) = self.keys.get(&key) {
            return id;
        }
        self.ents.push(Entity::new(kind, target));
        self.keys.insert(key, self.ents.len() - 1);
        self.ents.len() - 1
    }

    pub(super) fn gazetteer_entity(&mut self, t: Target) -> usize {
        let kind = match t {
            Target::Place(_) => ActorKind::Country,
            Target::Org(_) => ActorKind::Organisation,
        };
        self.entity(format!("{t:?}"), kind, Some(t))
    }

    /// Records a mention of entity `e` at `sp` (a full name when `is_name`).
    pub(super) fn mention(&mut self, e: usize, sp: Span, is_name: bool) {
        let surface = self.doc.surface(sp);
        self.mention_as(e, sp, is_name, surface);
    }

    /// Records a mention with an explicit surface form.
    pub(super) fn mention_as(&mut self, e: usize, sp: Span, is_name: bool, surface: String) {
        if surface.is_empty() {
            return;
        }
        let offset = self.doc.offset(sp.a);
        for slot in self.tok_ent.iter_mut().take(sp.b + 1).skip(sp.a) {
            *slot = Some(e);
        }
        let Some(ent) = self.ents.get_mut(e) else {
            return;
        };
        ent.mentions.insert(offset);
        let list = if is_name {
            &mut ent.names
        } else {
            &mut ent.aliases
        };
        if !list.iter().any(|(s, _)| *s == surface) {
            list.push((surface, offset));
        }
    }

    // ----- chunk classification --------------------------------------------------------------

    /// Classifies one chunk (see the module documentation for the order of the rules).
    pub(super) fn classify(&mut self, sp: Span, ctx: Ctx) {
        let key = norm_key(&self.doc.surface(sp));
        if let Some((t, role)) = self.lex.lookup(&key) {
            return self.gazetteer_mention(sp, t, role, ctx);
        }
        if let Some(t) = self.possessive_name(sp, &key) {
            return self.possessive_gazetteer_mention(sp, t);
        }
        if self.org_head(sp) {
            return self.organisation(sp);
        }
        if self.titled_person(sp) {
            return;
        }
        if self.org_first(sp) {
            return self.organisation(sp);
        }
        if self.name_like(sp) {
            return self.name_candidate(sp);
        }
        if sp.tokens() > 1 {
            self.split_mixed(sp);
        }
    }
}
