//! The score of one application under a call's ruleset (DOMAIN.md §4): every criterion with its
//! value, points, evidence and who verified it; exclusive groups; caps per block.

use std::cell::Cell;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::application::{Application, DocumentStatus};
use super::call::{Call, DocumentTrigger};
use super::household::{Condition, Relation};
use super::points::Points;
use super::ruleset::{Block, Criterion, HouseholdPredicate, Measure, Rule, Ruleset};
use super::time::{Timestamp, age_on};
use super::verification::{CheckItem, Requirement, Verification};

/// A caseworker's replacement for the points a criterion gives one application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreOverride {
    pub points: Points,
    pub reason: String,
    pub by: String,
    pub at: Timestamp,
}

/// Why a line counts what it counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "stato")]
pub enum LineStatus {
    /// The criterion applies and its points count.
    Counted,
    /// The criterion does not apply.
    NotMet,
    /// It would apply, but what proves it is not verified.
    NotVerified,
    /// Another criterion of the same exclusive group gives more.
    Beaten { by: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreLine {
    pub criterion: String,
    pub label: String,
    pub block: Block,
    /// What was read from the application, e.g. `ISEE 3.200,00 €`, `12 anni`, `dichiarata`.
    pub value: String,
    /// What the rule gives.
    pub computed: Points,
    /// The caseworker's override, which replaces `computed`.
    pub overridden: Option<Points>,
    /// What counts toward the block, after exclusive groups.
    pub points: Points,
    pub status: LineStatus,
    /// What proves it: the document, the verification, or the household record.
    pub evidence: String,
    pub verified_by: Option<String>,
    pub verified_at: Option<Timestamp>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockScore {
    pub block: Block,
    /// Sum of the block's counted lines.
    pub sum: Points,
    pub cap: Option<Points>,
    /// `sum`, capped.
    pub total: Points,
}

impl BlockScore {
    pub fn capped(&self) -> bool {
        self.total < self.sum
    }
}

/// The points only, without the explanation: what ranking many applications needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Totals {
    pub subjective: Points,
    pub objective: Points,
}

impl Totals {
    pub fn total(&self) -> Points {
        self.subjective + self.objective
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    pub lines: Vec<ScoreLine>,
    pub subjective: BlockScore,
    pub objective: BlockScore,
}

impl Score {
    pub fn totals(&self) -> Totals {
        Totals {
            subjective: self.subjective.total,
            objective: self.objective.total,
        }
    }

    pub fn total(&self) -> Points {
        self.totals().total()
    }
}

/// The explained score of `application`, assessed at the call's reference date.
pub fn score(application: &Application, call: &Call, ruleset: &Ruleset) -> Score {
    let facts = Facts::of(application, call);
    let outcomes: Vec<Outcome> = ruleset
        .criteria
        .iter()
        .map(|c| evaluate(&facts, c))
        .collect();
    let points: Vec<Points> = outcomes.iter().map(Outcome::points).collect();
    let mut sums = [Points::ZERO; 2];
    let mut lines = Vec::with_capacity(outcomes.len());
    for (index, (criterion, outcome)) in ruleset.criteria.iter().zip(&outcomes).enumerate() {
        let own = points[index];
        let winner = group_winner(&ruleset.criteria, &points, index);
        let (line_points, status) = match winner {
            Some(w) if own > Points::ZERO => (
                Points::ZERO,
                LineStatus::Beaten {
                    by: ruleset.criteria[w].id.clone(),
                },
            ),
            Some(_) => (Points::ZERO, outcome.status()),
            None => (own, outcome.status()),
        };
        sums[block_index(criterion.block)] = sums[block_index(criterion.block)] + line_points;
        let explained = explain(&facts, criterion, outcome);
        let (evidence, verified_by, verified_at) =
            match application.score_overrides.get(criterion.id.as_str()) {
                Some(o) => {
                    let evidence = if explained.evidence.is_empty() {
                        format!("rettifica: {}", o.reason)
                    } else {
                        format!("{}; rettifica: {}", explained.evidence, o.reason)
                    };
                    (evidence, Some(o.by.clone()), Some(o.at))
                }
                None => (explained.evidence, explained.by, explained.at),
            };
        lines.push(ScoreLine {
            criterion: criterion.id.clone(),
            label: criterion.label.clone(),
            block: criterion.block,
            value: explained.value,
            computed: outcome.computed,
            overridden: outcome.overridden,
            points: line_points,
            status,
            evidence,
            verified_by,
            verified_at,
        });
    }
    let block = |b: Block| {
        let sum = sums[block_index(b)];
        let cap = ruleset.caps.get(&b).copied();
        BlockScore {
            block: b,
            sum,
            cap,
            total: capped(sum, cap),
        }
    };
    Score {
        lines,
        subjective: block(Block::Soggettivo),
        objective: block(Block::Oggettivo),
    }
}

/// A block whose cap took part of a change: its lines moved by `change`, its total only by
/// `counted`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapAbsorbed {
    pub block: Block,
    pub cap: Points,
    pub change: Points,
    pub counted: Points,
}

impl CapAbsorbed {
    /// The points of the change the cap left out (negative when a lowered sum stays over it).
    pub fn absorbed(&self) -> Points {
        self.change - self.counted
    }

    /// «Tetto soggettive 15: +5 nelle voci, 0 nel punteggio · 5 punti assorbiti dal tetto»,
    /// the same on the console and the command line.
    pub fn describe(&self) -> String {
        let signed = |p: Points| {
            if p.0 > 0 {
                format!("+{p}")
            } else {
                p.to_string()
            }
        };
        let absorbed = Points(self.absorbed().0.abs());
        let unit = if absorbed == Points::whole(1) {
            "punto assorbito"
        } else {
            "punti assorbiti"
        };
        let block = match self.block {
            Block::Soggettivo => "soggettive",
            Block::Oggettivo => "oggettive",
        };
        format!(
            "Tetto {block} {}: {} nelle voci, {} nel punteggio · {absorbed} {unit} dal tetto",
            self.cap,
            signed(self.change),
            signed(self.counted),
        )
    }
}

/// The blocks whose cap absorbed part of the change from `before` to `after`.
pub fn caps_absorbing(before: &Score, after: &Score) -> Vec<CapAbsorbed> {
    [
        (&before.subjective, &after.subjective),
        (&before.objective, &after.objective),
    ]
    .into_iter()
    .filter_map(|(b, a)| {
        let change = a.sum - b.sum;
        let counted = a.total - b.total;
        let cap = a.cap.or(b.cap)?;
        (change != counted).then_some(CapAbsorbed {
            block: a.block,
            cap,
            change,
            counted,
        })
    })
    .collect()
}

/// The same totals as `score`, without building the explanation.
pub fn totals(application: &Application, call: &Call, ruleset: &Ruleset) -> Totals {
    let facts = Facts::of(application, call);
    let criteria = &ruleset.criteria;
    // Tables have a few dozen criteria at most: their points fit on the stack, so that scoring
    // many applications allocates nothing.
    let mut inline = [Points::ZERO; INLINE_CRITERIA];
    let mut heap = Vec::new();
    let points: &mut [Points] = if criteria.len() <= INLINE_CRITERIA {
        &mut inline[..criteria.len()]
    } else {
        heap.resize(criteria.len(), Points::ZERO);
        &mut heap
    };
    for (slot, criterion) in points.iter_mut().zip(criteria) {
        *slot = evaluate(&facts, criterion).points();
    }
    let mut sums = [Points::ZERO; 2];
    for (index, criterion) in criteria.iter().enumerate() {
        let own = points[index];
        if own != Points::ZERO && group_winner(criteria, points, index).is_none() {
            sums[block_index(criterion.block)] = sums[block_index(criterion.block)] + own;
        }
    }
    Totals {
        subjective: capped(sums[0], ruleset.caps.get(&Block::Soggettivo).copied()),
        objective: capped(sums[1], ruleset.caps.get(&Block::Oggettivo).copied()),
    }
}

const INLINE_CRITERIA: usize = 48;

fn block_index(block: Block) -> usize {
    match block {
        Block::Soggettivo => 0,
        Block::Oggettivo => 1,
    }
}

fn capped(sum: Points, cap: Option<Points>) -> Points {
    match cap {
        Some(cap) => sum.min(cap),
        None => sum,
    }
}

/// The criterion of `index`'s exclusive group that counts instead of it: the highest, the first
/// in table order among equals. None when it has no group or is that criterion itself.
fn group_winner(criteria: &[Criterion], points: &[Points], index: usize) -> Option<usize> {
    let group = criteria[index].group.as_deref()?;
    let mut best = index;
    for (j, other) in criteria.iter().enumerate() {
        if j == best {
            continue;
        }
        // Points first: the group names are compared only for a possible winner.
        let better = points[j] > points[best] || (points[j] == points[best] && j < best);
        if better && other.group.as_deref() == Some(group) {
            best = j;
        }
    }
    (best != index).then_some(best)
}

/// What scoring reads off one application, worked out once for all the criteria.
struct Facts<'a> {
    application: &'a Application,
    call: &'a Call,
    size: usize,
    minors: u32,
    under_10: u32,
    /// Members under 18 who are children or dependants of the applicant.
    dependent_minors: u32,
    has_partner: bool,
    youngest: u32,
    oldest: u32,
    isee_verified: bool,
    residence_verified: bool,
    /// Most applications have no override: then no criterion looks them up.
    overrides: bool,
}

impl<'a> Facts<'a> {
    fn of(application: &'a Application, call: &'a Call) -> Facts<'a> {
        let on = reference_date(call);
        let mut facts = Facts {
            application,
            call,
            size: application.household.len(),
            minors: 0,
            under_10: 0,
            dependent_minors: 0,
            has_partner: false,
            youngest: u32::MAX,
            oldest: 0,
            isee_verified: requirement_verified(application, Requirement::Isee),
            residence_verified: requirement_verified(application, Requirement::ResidenzaOLavoro),
            overrides: !application.score_overrides.is_empty(),
        };
        for member in application.household.members() {
            let age = age_on(member.birth_date, on);
            facts.youngest = facts.youngest.min(age);
            facts.oldest = facts.oldest.max(age);
            if age < 18 {
                facts.minors += 1;
                if matches!(member.relation, Relation::Figlio | Relation::ACarico) {
                    facts.dependent_minors += 1;
                }
            }
            if age < 10 {
                facts.under_10 += 1;
            }
            if matches!(member.relation, Relation::Coniuge | Relation::Convivente) {
                facts.has_partner = true;
            }
        }
        facts
    }

    fn verification(&self, item: CheckItem) -> Option<&'a Verification> {
        self.application.verifications.get(&item)
    }

    fn condition_verified(&self, condition: Condition) -> bool {
        self.verification(CheckItem::Condizione(condition))
            .is_some_and(|v| v.verified)
    }

    /// The measure in hundredths of its unit; None when it cannot be read (no ISEE limit).
    fn measure(&self, measure: Measure) -> Option<i64> {
        let count = |n: u64| i64::try_from(n.saturating_mul(100)).unwrap_or(i64::MAX);
        let isee = self.application.declaration.isee.cents();
        match measure {
            Measure::Isee => Some(i64::try_from(isee).unwrap_or(i64::MAX)),
            Measure::IseePercentoLimite => {
                let limit = self.call.isee_limit_for(self.size).cents();
                if limit == 0 {
                    return None;
                }
                let pct = u128::from(isee) * 10_000 / u128::from(limit);
                Some(i64::try_from(pct).unwrap_or(i64::MAX))
            }
            Measure::AnniResidenza => Some(count(u64::from(
                self.application.declaration.residence_years,
            ))),
            Measure::Componenti => Some(count(self.size as u64)),
            Measure::Minori => Some(count(u64::from(self.minors))),
            Measure::MinoriDi10 => Some(count(u64::from(self.under_10))),
        }
    }

    /// Whether the verification a measure rests on is done; household counts rest on the
    /// household record itself.
    fn measure_verified(&self, measure: Measure) -> bool {
        match measure {
            Measure::Isee | Measure::IseePercentoLimite => self.isee_verified,
            Measure::AnniResidenza => self.residence_verified,
            Measure::Componenti | Measure::Minori | Measure::MinoriDi10 => true,
        }
    }

    fn holds(&self, predicate: &HouseholdPredicate) -> bool {
        match *predicate {
            HouseholdPredicate::TuttiAlmeno { age } => self.youngest >= age,
            HouseholdPredicate::AlmenoUnoAlmeno { age } => self.oldest >= age,
            HouseholdPredicate::TuttiAlPiu { age } => self.oldest <= age,
            HouseholdPredicate::GenitoreSolo { min, max } => {
                !self.has_partner
                    && self.dependent_minors >= min.max(1)
                    && max.is_none_or(|max| self.dependent_minors <= max)
            }
            HouseholdPredicate::ComponentiAlmeno { members } => {
                self.size >= usize::try_from(members).unwrap_or(usize::MAX)
            }
        }
    }

    /// Index in the call's documents of the one proving an invalidity.
    fn invalidity_document(&self) -> Option<usize> {
        self.call
            .documents
            .iter()
            .position(|d| d.needed_for.contains(&DocumentTrigger::Invalidita))
    }

    /// The admission decision: who vouched for the household record, and when.
    fn admission(&self) -> (Option<String>, Option<Timestamp>) {
        match &self.application.decision {
            Some(d) if d.admitted => (Some(d.by.clone()), Some(d.at)),
            _ => (None, None),
        }
    }
}

/// The call's reference date. From the closing instant it takes a time-zone lookup, a tenth of
/// the cost of scoring one application; a ranking scores thousands of one call's applications,
/// so each thread remembers the last closing instant it converted.
fn reference_date(call: &Call) -> NaiveDate {
    if let Some(date) = call.params.reference_date {
        return date;
    }
    thread_local! {
        static LAST: Cell<Option<(Timestamp, NaiveDate)>> = const { Cell::new(None) };
    }
    LAST.with(|last| match last.get() {
        Some((closes_at, date)) if closes_at == call.closes_at => date,
        _ => {
            let date = call.closing_date();
            last.set(Some((call.closes_at, date)));
            date
        }
    })
}

fn requirement_verified(application: &Application, requirement: Requirement) -> bool {
    application
        .verifications
        .get(&CheckItem::Requisito(requirement))
        .is_some_and(|v| v.verified)
}

/// What a rule gives before exclusive groups, without any text.
#[derive(Debug, Clone, Copy)]
struct Outcome {
    computed: Points,
    base: Base,
    overridden: Option<Points>,
    proof: Proof,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Base {
    Counted,
    NotMet,
    NotVerified,
}

/// Which fact decided the outcome, so that `score` can explain it without evaluating again.
#[derive(Debug, Clone, Copy)]
enum Proof {
    /// The verified condition, else the first declared one; None: none declared.
    Condition(Option<Condition>),
    Measure(Measure, Option<i64>),
    Household,
    /// The member who meets it, and the call's invalidity document.
    Invalidity {
        member: Option<usize>,
        document: Option<usize>,
    },
}

impl Outcome {
    fn points(&self) -> Points {
        match (self.overridden, self.base) {
            (Some(points), _) => points,
            (None, Base::Counted) => self.computed,
            (None, _) => Points::ZERO,
        }
    }

    fn status(&self) -> LineStatus {
        let base = match self.overridden {
            Some(points) if points != Points::ZERO => Base::Counted,
            Some(_) => Base::NotMet,
            None => self.base,
        };
        match base {
            Base::Counted => LineStatus::Counted,
            Base::NotMet => LineStatus::NotMet,
            Base::NotVerified => LineStatus::NotVerified,
        }
    }
}

// Inlined so that `totals`, which only wants the points, drops the rest of the work.
#[inline(always)]
fn evaluate(facts: &Facts<'_>, criterion: &Criterion) -> Outcome {
    let met = |applies: bool, verified: bool| match (applies, verified) {
        (false, _) => Base::NotMet,
        (true, true) => Base::Counted,
        (true, false) => Base::NotVerified,
    };
    let (computed, base, proof) = match &criterion.rule {
        Rule::Condizione { any_of, points } => {
            let declaration = &facts.application.declaration;
            let mut declared = None;
            let mut verified = None;
            for condition in any_of.iter().copied().filter(|c| declaration.has(*c)) {
                declared.get_or_insert(condition);
                if facts.condition_verified(condition) {
                    verified = Some(condition);
                    break;
                }
            }
            match (verified, declared) {
                (Some(c), _) => (*points, Base::Counted, Proof::Condition(Some(c))),
                (None, Some(c)) => (*points, Base::NotVerified, Proof::Condition(Some(c))),
                (None, None) => (Points::ZERO, Base::NotMet, Proof::Condition(None)),
            }
        }
        Rule::Fasce { measure, bands } => {
            let value = facts.measure(*measure);
            let band = value.and_then(|v| bands.iter().find(|b| b.contains(v)));
            let base = met(band.is_some(), facts.measure_verified(*measure));
            let computed = band.map_or(Points::ZERO, |b| b.points);
            (computed, base, Proof::Measure(*measure, value))
        }
        Rule::PerUnita {
            measure,
            per_unit,
            cap,
        } => {
            let value = facts.measure(*measure);
            let units = value.map_or(0, |v| v.max(0) / 100);
            let computed = Points(units.saturating_mul(per_unit.0)).min(*cap);
            let base = met(units > 0, facts.measure_verified(*measure));
            (computed, base, Proof::Measure(*measure, value))
        }
        Rule::Nucleo { predicate, points } => {
            if facts.holds(predicate) {
                (*points, Base::Counted, Proof::Household)
            } else {
                (Points::ZERO, Base::NotMet, Proof::Household)
            }
        }
        Rule::Invalidita {
            min_pct,
            max_pct,
            accompaniment,
            points,
        } => {
            let member = facts.application.household.members().iter().position(|m| {
                (*min_pct..=*max_pct).contains(&m.disability_pct)
                    && accompaniment.is_none_or(|a| a == m.accompaniment)
            });
            let document = member.and_then(|_| facts.invalidity_document());
            let proof = Proof::Invalidity { member, document };
            match (member, document) {
                (None, _) => (Points::ZERO, Base::NotMet, proof),
                // A call that asks no certificate takes the household record as proof.
                (Some(_), None) => (*points, Base::Counted, proof),
                (Some(_), Some(d)) => {
                    let received = matches!(
                        facts
                            .application
                            .documents
                            .get(&facts.call.documents[d].code),
                        Some(DocumentStatus::Ricevuto { .. })
                    );
                    (*points, met(true, received), proof)
                }
            }
        }
    };
    Outcome {
        computed,
        base,
        overridden: if facts.overrides {
            facts
                .application
                .score_overrides
                .get(criterion.id.as_str())
                .map(|o| o.points)
        } else {
            None
        },
        proof,
    }
}

/// The text of a line: what was read, what proves it, who vouched for it.
struct Explained {
    value: String,
    evidence: String,
    by: Option<String>,
    at: Option<Timestamp>,
}

fn explain(facts: &Facts<'_>, criterion: &Criterion, outcome: &Outcome) -> Explained {
    let counted = outcome.base == Base::Counted;
    let household = || {
        let (by, at) = if counted {
            facts.admission()
        } else {
            (None, None)
        };
        (HOUSEHOLD_RECORD.to_string(), by, at)
    };
    let (value, (evidence, by, at)) = match (outcome.proof, &criterion.rule) {
        (Proof::Condition(None), _) => ("non dichiarata".to_string(), (String::new(), None, None)),
        (Proof::Condition(Some(condition)), rule) => {
            let several = matches!(rule, Rule::Condizione { any_of, .. } if any_of.len() > 1);
            let recognised = facts.application.conditions_recognised.contains(&condition);
            let stated = if recognised {
                "non dichiarata, riconosciuta per rettifica"
            } else {
                "dichiarata"
            };
            let value = if several {
                format!("{stated}: {}", condition.label())
            } else {
                stated.to_string()
            };
            let evidence = match facts.verification(CheckItem::Condizione(condition)) {
                Some(v) if recognised => format!("rettifica: {}", v.note),
                _ => condition_document(facts, condition)
                    .unwrap_or_else(|| "verifica dell'ufficio".to_string()),
            };
            let proof = match facts.verification(CheckItem::Condizione(condition)) {
                Some(v) if counted => (evidence, Some(v.by.clone()), Some(v.at)),
                _ => (evidence, None, None),
            };
            (value, proof)
        }
        (Proof::Measure(measure, value), _) => {
            let requirement = match measure {
                Measure::Isee | Measure::IseePercentoLimite => Some(Requirement::Isee),
                Measure::AnniResidenza => Some(Requirement::ResidenzaOLavoro),
                Measure::Componenti | Measure::Minori | Measure::MinoriDi10 => None,
            };
            let proof = match requirement {
                None => household(),
                Some(requirement) => {
                    let evidence = format!("verifica: {}", requirement.label());
                    match facts.verification(CheckItem::Requisito(requirement)) {
                        Some(v) if v.verified => (evidence, Some(v.by.clone()), Some(v.at)),
                        _ => (evidence, None, None),
                    }
                }
            };
            (measure_text(facts, measure, value), proof)
        }
        (Proof::Household, Rule::Nucleo { predicate, .. }) => {
            (predicate_text(facts, predicate), household())
        }
        (Proof::Household, _) => (String::new(), household()),
        (Proof::Invalidity { member, document }, _) => {
            let members = facts.application.household.members();
            let value = match member.and_then(|i| members.get(i)) {
                Some(m) => invalidity_text(m.disability_pct, m.accompaniment),
                None => match members.iter().map(|m| m.disability_pct).max() {
                    Some(pct) if pct > 0 => format!("invalidità {pct}% (fuori fascia)"),
                    _ => "nessuna invalidità".to_string(),
                },
            };
            let proof = match document.and_then(|d| facts.call.documents.get(d)) {
                Some(doc) => {
                    let status = document_status(facts.application.documents.get(&doc.code));
                    let (by, at) = if counted {
                        facts.admission()
                    } else {
                        (None, None)
                    };
                    (format!("{} ({status})", doc.title), by, at)
                }
                None if member.is_some() => household(),
                None => (String::new(), None, None),
            };
            (value, proof)
        }
    };
    Explained {
        value,
        evidence,
        by,
        at,
    }
}

const HOUSEHOLD_RECORD: &str = "nucleo familiare";

/// The call's document proving `condition`, with where it stands on this application.
fn condition_document(facts: &Facts<'_>, condition: Condition) -> Option<String> {
    let trigger = DocumentTrigger::for_condition(condition)?;
    let doc = facts
        .call
        .documents
        .iter()
        .find(|d| d.needed_for.contains(&trigger))?;
    let status = document_status(facts.application.documents.get(&doc.code));
    Some(format!("{} ({status})", doc.title))
}

fn document_status(status: Option<&DocumentStatus>) -> String {
    match status {
        Some(DocumentStatus::Ricevuto { .. }) => "ricevuto".to_string(),
        Some(DocumentStatus::Mancante) => "mancante".to_string(),
        Some(DocumentStatus::Respinto { note }) if note.trim().is_empty() => "respinto".to_string(),
        Some(DocumentStatus::Respinto { note }) => format!("respinto: {}", note.trim()),
        None => "non presentato".to_string(),
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

fn measure_text(facts: &Facts<'_>, measure: Measure, value: Option<i64>) -> String {
    let units = |v: Option<i64>| v.map_or(0, |v| u64::try_from(v.max(0) / 100).unwrap_or(0));
    match measure {
        Measure::Isee => format!("ISEE {}", facts.application.declaration.isee),
        Measure::IseePercentoLimite => match value {
            Some(v) => format!("{},{:02}% del limite", v / 100, v % 100),
            None => "limite ISEE non fissato dal bando".to_string(),
        },
        Measure::AnniResidenza => plural(units(value), "anno", "anni"),
        Measure::Componenti => plural(units(value), "componente", "componenti"),
        Measure::Minori => plural(units(value), "minore", "minori"),
        Measure::MinoriDi10 => plural(units(value), "minore di 10 anni", "minori di 10 anni"),
    }
}

fn predicate_text(facts: &Facts<'_>, predicate: &HouseholdPredicate) -> String {
    match predicate {
        HouseholdPredicate::TuttiAlmeno { .. }
        | HouseholdPredicate::AlmenoUnoAlmeno { .. }
        | HouseholdPredicate::TuttiAlPiu { .. } => {
            if facts.youngest == facts.oldest {
                format!("età {} anni", facts.oldest)
            } else {
                format!("età da {} a {} anni", facts.youngest, facts.oldest)
            }
        }
        HouseholdPredicate::GenitoreSolo { .. } => {
            let minors = plural(
                u64::from(facts.dependent_minors),
                "minore a carico",
                "minori a carico",
            );
            if facts.has_partner {
                format!("{minors}, con coniuge o convivente")
            } else {
                format!("{minors}, senza coniuge né convivente")
            }
        }
        HouseholdPredicate::ComponentiAlmeno { .. } => {
            plural(facts.size as u64, "componente", "componenti")
        }
    }
}

fn invalidity_text(pct: u8, accompaniment: bool) -> String {
    if accompaniment {
        format!("invalidità {pct}% con accompagnamento")
    } else {
        format!("invalidità {pct}%")
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use chrono::{NaiveDate, TimeZone, Utc};

    use super::*;
    use crate::domain::application::{ApplicationId, Channel, Decision, State};
    use crate::domain::contact::{Address, Contact};
    use crate::domain::fiscal_code::PersonFiscalCode;
    use crate::domain::household::{
        Citizenship, ComuneTie, Declaration, Household, Member, StampDuty,
    };
    use crate::domain::money::Money;
    use crate::domain::ruleset::Band;
    use crate::files::call_toml::bando_2024;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    fn at() -> Timestamp {
        Utc.with_ymd_and_hms(2024, 12, 2, 9, 0, 0)
            .single()
            .expect("valid instant")
    }

    fn member(name: &str, birth: NaiveDate, relation: Relation) -> Member {
        Member {
            fiscal_code: PersonFiscalCode::build("Rossi", name, birth, false, "D542")
                .expect("valid fiscal code"),
            surname: "Rossi".to_string(),
            name: name.to_string(),
            relation,
            birth_date: birth,
            disability_pct: 0,
            accompaniment: false,
            motor_disability: false,
            income: None,
        }
    }

    fn application(members: Vec<Member>, isee_cents: u64) -> Application {
        let stamp = StampDuty::marca("01234567890123", date(2024, 9, 20)).expect("valid marca");
        Application {
            id: ApplicationId(1),
            call: "erp-2024".to_string(),
            external_id: None,
            channel: Channel::Sportello,
            received_at: at(),
            state: State::Ammessa,
            protocol: None,
            registered_at: None,
            late: false,
            household: Household::new(members).expect("valid household"),
            contact: Contact {
                email: None,
                phone: None,
                address: Address {
                    street: "Via Roma 1".to_string(),
                    postcode: "63900".to_string(),
                    municipality: "Fermo".to_string(),
                    province: "FM".to_string(),
                },
            },
            declaration: Declaration {
                citizenship: Citizenship::Italiana,
                tie: ComuneTie::Residenza,
                isee: Money::from_cents(isee_cents),
                residence_years: 0,
                current_home_m2: None,
                conditions: Default::default(),
                stamp_duty: stamp,
            },
            documents: BTreeMap::new(),
            integration: None,
            decision: Some(Decision {
                admitted: true,
                reason: None,
                note: String::new(),
                at: at(),
                by: "mrossi".to_string(),
            }),
            verifications: [Requirement::Isee, Requirement::ResidenzaOLavoro]
                .into_iter()
                .map(|r| {
                    let v = Verification {
                        verified: true,
                        note: String::new(),
                        by: "mrossi".to_string(),
                        at: at(),
                    };
                    (CheckItem::Requisito(r), v)
                })
                .collect(),
            fee: None,
            score_overrides: BTreeMap::new(),
            objections: Vec::new(),
            conditions_recognised: Default::default(),
            refusal_notice: None,
        }
    }

    fn criterion(id: &str, group: Option<&str>, rule: Rule) -> Criterion {
        Criterion {
            id: id.to_string(),
            label: id.to_string(),
            block: Block::Soggettivo,
            group: group.map(str::to_string),
            rule,
        }
    }

    fn table(criteria: Vec<Criterion>) -> Ruleset {
        Ruleset {
            name: "prova".to_string(),
            example: false,
            caps: BTreeMap::new(),
            criteria,
            tie_breaks: Vec::new(),
        }
    }

    fn scored(application: &Application, call: &Call, rules: &Ruleset) -> Score {
        let s = score(application, call, rules);
        assert_eq!(totals(application, call, rules), s.totals());
        s
    }

    #[test]
    fn a_cap_that_takes_part_of_a_change_is_reported_with_what_it_took() {
        let call = bando_2024().expect("the shipped call is valid");
        let mut rules = table(vec![criterion(
            "isee",
            None,
            Rule::Fasce {
                measure: Measure::IseePercentoLimite,
                bands: vec![
                    Band {
                        from: None,
                        to: Some(1000),
                        points: Points::whole(8),
                    },
                    Band {
                        from: Some(1000),
                        to: Some(5000),
                        points: Points::whole(4),
                    },
                ],
            },
        )]);
        rules.caps.insert(Block::Soggettivo, Points::whole(5));
        let person = || vec![member("Mario", date(1970, 1, 1), Relation::Richiedente)];
        // 3.000 € is 18 % of the one-person limit (4 points); 1.000 € is 6 % (8 points).
        let four = scored(&application(person(), 300_000), &call, &rules);
        let eight = scored(&application(person(), 100_000), &call, &rules);
        assert_eq!(four.total(), Points::whole(4));
        assert_eq!(eight.total(), Points::whole(5));

        let up = caps_absorbing(&four, &eight);
        assert_eq!(
            up,
            vec![CapAbsorbed {
                block: Block::Soggettivo,
                cap: Points::whole(5),
                change: Points::whole(4),
                counted: Points::whole(1),
            }]
        );
        assert_eq!(up[0].absorbed(), Points::whole(3));
        // Down from over the cap: 4 points fewer in the lines, 1 fewer in the total.
        let down = caps_absorbing(&eight, &four);
        assert_eq!(down[0].change, Points::whole(-4));
        assert_eq!(down[0].counted, Points::whole(-1));
        // Without a cap, or with a change the cap does not touch, nothing is reported.
        assert!(caps_absorbing(&four, &four).is_empty());
        rules.caps.clear();
        let four = scored(&application(person(), 300_000), &call, &rules);
        let eight = scored(&application(person(), 100_000), &call, &rules);
        assert!(caps_absorbing(&four, &eight).is_empty());
    }

    #[test]
    fn isee_as_a_share_of_the_limit_uses_the_one_person_increase() {
        let call = bando_2024().expect("the shipped call is valid");
        let rules = table(vec![criterion(
            "isee_pct",
            None,
            Rule::Fasce {
                measure: Measure::IseePercentoLimite,
                bands: vec![Band {
                    from: None,
                    to: Some(2500),
                    points: Points::whole(3),
                }],
            },
        )]);
        let alone = application(
            vec![member("Mario", date(1970, 1, 1), Relation::Richiedente)],
            384_000,
        );
        // 3.840,00 / 16.438,80 = 23,359…% → 23,35 (rounded down): within 25 % → 3.
        let s = scored(&alone, &call, &rules);
        assert_eq!(s.lines[0].value, "23,35% del limite");
        assert_eq!(s.total(), Points::whole(3));

        // Two people: the plain limit 13.699,00 → 28,03 %, over the band.
        let two = application(
            vec![
                member("Mario", date(1970, 1, 1), Relation::Richiedente),
                member("Luca", date(1972, 1, 1), Relation::Fratello),
            ],
            384_000,
        );
        let s = scored(&two, &call, &rules);
        assert_eq!(s.lines[0].value, "28,03% del limite");
        assert_eq!(s.lines[0].status, LineStatus::NotMet);

        // A call without a limit gives no share, and no points.
        let mut no_limit = call.clone();
        no_limit.params.isee_limit = Money::ZERO;
        let s = scored(&alone, &no_limit, &rules);
        assert_eq!(s.lines[0].status, LineStatus::NotMet);
        assert_eq!(s.lines[0].value, "limite ISEE non fissato dal bando");
    }

    #[test]
    fn counts_of_minors_are_per_unit_with_a_cap() {
        let call = bando_2024().expect("the shipped call is valid");
        let rules = table(vec![
            criterion(
                "minori",
                None,
                Rule::PerUnita {
                    measure: Measure::Minori,
                    per_unit: Points(150),
                    cap: Points::whole(4),
                },
            ),
            criterion(
                "piccoli",
                None,
                Rule::PerUnita {
                    measure: Measure::MinoriDi10,
                    per_unit: Points::whole(1),
                    cap: Points::whole(5),
                },
            ),
        ]);
        let a = application(
            vec![
                member("Mario", date(1980, 1, 1), Relation::Richiedente),
                member("Luca", date(2010, 1, 1), Relation::Figlio),
                member("Paolo", date(2016, 1, 1), Relation::Figlio),
                // 10 on the reference date (14/11/2024): a minor, not under 10.
                member("Carlo", date(2014, 11, 14), Relation::Figlio),
            ],
            0,
        );
        let s = scored(&a, &call, &rules);
        // 3 minors × 1,5 = 4,5 capped at 4; 1 under 10 × 1 = 1.
        assert_eq!(s.lines[0].value, "3 minori");
        assert_eq!(s.lines[0].points, Points::whole(4));
        assert_eq!(s.lines[1].value, "1 minore di 10 anni");
        assert_eq!(s.lines[1].points, Points::whole(1));
        assert_eq!(s.lines[1].evidence, "nucleo familiare");
        assert_eq!(s.total(), Points::whole(5));
        assert_eq!(s.subjective.cap, None);
    }

    #[test]
    fn equal_points_in_a_group_go_to_the_first() {
        let call = bando_2024().expect("the shipped call is valid");
        let flag = |id: &str| {
            criterion(
                id,
                Some("g"),
                Rule::Nucleo {
                    predicate: HouseholdPredicate::ComponentiAlmeno { members: 1 },
                    points: Points::whole(2),
                },
            )
        };
        let rules = table(vec![
            flag("a"),
            flag("b"),
            criterion("c", Some("h"), flag("c").rule),
        ]);
        let a = application(
            vec![member("Mario", date(1980, 1, 1), Relation::Richiedente)],
            0,
        );
        let s = scored(&a, &call, &rules);
        assert_eq!(s.lines[0].status, LineStatus::Counted);
        assert_eq!(
            s.lines[1].status,
            LineStatus::Beaten {
                by: "a".to_string()
            }
        );
        assert_eq!(s.lines[2].status, LineStatus::Counted, "another group");
        assert_eq!(s.total(), Points::whole(4));
    }

    #[test]
    fn an_invalidity_without_a_certificate_in_the_call_rests_on_the_household() {
        let mut call = bando_2024().expect("the shipped call is valid");
        call.documents
            .retain(|d| !d.needed_for.contains(&DocumentTrigger::Invalidita));
        let rules = table(vec![criterion(
            "inv",
            None,
            Rule::Invalidita {
                min_pct: 67,
                max_pct: 100,
                accompaniment: None,
                points: Points::whole(2),
            },
        )]);
        let mut applicant = member("Mario", date(1980, 1, 1), Relation::Richiedente);
        applicant.disability_pct = 80;
        let a = application(vec![applicant], 0);
        let s = scored(&a, &call, &rules);
        assert_eq!(s.lines[0].status, LineStatus::Counted);
        assert_eq!(s.lines[0].evidence, "nucleo familiare");
        assert_eq!(s.lines[0].verified_by.as_deref(), Some("mrossi"));
    }

    #[test]
    fn a_condition_without_a_document_is_proved_by_the_verification() {
        let call = bando_2024().expect("the shipped call is valid");
        let rules = table(vec![criterion(
            "coab",
            None,
            Rule::Condizione {
                any_of: vec![Condition::CoabitazioneParenti],
                points: Points::whole(1),
            },
        )]);
        let mut a = application(
            vec![member("Mario", date(1980, 1, 1), Relation::Richiedente)],
            0,
        );
        a.declaration
            .conditions
            .insert(Condition::CoabitazioneParenti);
        let s = scored(&a, &call, &rules);
        assert_eq!(s.lines[0].status, LineStatus::NotVerified);
        assert_eq!(s.lines[0].evidence, "verifica dell'ufficio");
        a.verifications.insert(
            CheckItem::Condizione(Condition::CoabitazioneParenti),
            Verification {
                verified: true,
                note: String::new(),
                by: "lbianchi".to_string(),
                at: at(),
            },
        );
        let s = scored(&a, &call, &rules);
        assert_eq!(s.lines[0].status, LineStatus::Counted);
        assert_eq!(s.lines[0].verified_by.as_deref(), Some("lbianchi"));
        assert_eq!(s.total(), Points::whole(1));
    }

    #[test]
    fn a_condition_never_declared_but_recognised_by_adjustment_says_so_with_its_reason() {
        use crate::domain::objection::{Adjustment, apply_adjustment};
        let call = bando_2024().expect("the shipped call is valid");
        let rules = table(vec![criterion(
            "coab",
            None,
            Rule::Condizione {
                any_of: vec![Condition::CoabitazioneParenti],
                points: Points::whole(1),
            },
        )]);
        let mut a = application(
            vec![member("Mario", date(1980, 1, 1), Relation::Richiedente)],
            0,
        );
        let recognise = Adjustment::Condition {
            condition: Condition::CoabitazioneParenti,
            present: true,
        };
        apply_adjustment(
            &mut a,
            &recognise,
            "opposizione accolta: coabitazione dal 2023".to_string(),
            "lbianchi",
            at(),
        );
        let s = scored(&a, &call, &rules);
        assert_eq!(s.lines[0].status, LineStatus::Counted);
        assert_eq!(
            s.lines[0].value,
            "non dichiarata, riconosciuta per rettifica"
        );
        assert_eq!(
            s.lines[0].evidence,
            "rettifica: opposizione accolta: coabitazione dal 2023"
        );
        // A declared condition, verified the same way, stays «dichiarata».
        let mut b = application(
            vec![member("Mario", date(1980, 1, 1), Relation::Richiedente)],
            0,
        );
        b.declaration
            .conditions
            .insert(Condition::CoabitazioneParenti);
        apply_adjustment(
            &mut b,
            &recognise,
            "verificata".to_string(),
            "lbianchi",
            at(),
        );
        assert_eq!(scored(&b, &call, &rules).lines[0].value, "dichiarata");
    }

    #[test]
    fn a_table_longer_than_the_inline_buffer_still_adds_up() {
        let call = bando_2024().expect("the shipped call is valid");
        let rules = table(
            (0..INLINE_CRITERIA + 5)
                .map(|i| {
                    criterion(
                        &format!("c{i}"),
                        (i % 2 == 0).then_some("pari"),
                        Rule::Nucleo {
                            predicate: HouseholdPredicate::ComponentiAlmeno { members: 1 },
                            points: Points(i64::try_from(i).unwrap_or(0)),
                        },
                    )
                })
                .collect(),
        );
        let a = application(
            vec![member("Mario", date(1980, 1, 1), Relation::Richiedente)],
            0,
        );
        let s = scored(&a, &call, &rules);
        // Odd indices all count (1 + 3 + … + 51 = 676); of the even ones only the highest, 52.
        assert_eq!(s.total(), Points(676 + 52));
    }
}
