//! The rent ruleset file as written. Every value that can be wrong on its own keeps its span;
//! amounts, percentages and the date are read as any value so that one written without quotes
//! is told how to write it.

use serde::Deserialize;
use toml::{Spanned, Value};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RentFile {
    pub(super) nome: Spanned<String>,
    pub(super) versione: Spanned<String>,
    #[serde(default)]
    pub(super) esempio: bool,
    pub(super) in_vigore_dal: Spanned<Value>,
    pub(super) canone_minimo: Spanned<Value>,
    pub(super) riduzione_una_persona: Option<Spanned<Value>>,
    pub(super) euro_mq: Spanned<RatesFile>,
    #[serde(default)]
    pub(super) fasce: Vec<Spanned<BandFile>>,
    pub(super) contratto: Option<Spanned<ContractFile>>,
    pub(super) riscossione: Option<Spanned<CollectionFile>>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "una tabella [euro_mq] con bassa, media e alta"
)]
pub(super) struct RatesFile {
    pub(super) bassa: Spanned<Value>,
    pub(super) media: Spanned<Value>,
    pub(super) alta: Spanned<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "una fascia [[fasce]]")]
pub(super) struct BandFile {
    pub(super) nome: Spanned<String>,
    pub(super) isee_fino_a: Option<Spanned<Value>>,
    pub(super) quota_isee: Option<Spanned<Value>>,
    pub(super) quota_canone_oggettivo: Option<Spanned<Value>>,
    pub(super) decadenza: Option<Spanned<bool>>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "una tabella [contratto] con durata_anni, rinnovo_anni, mesi_deposito"
)]
pub(super) struct ContractFile {
    pub(super) durata_anni: Option<Spanned<i64>>,
    pub(super) rinnovo_anni: Option<Spanned<i64>>,
    pub(super) mesi_deposito: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "una tabella [riscossione] con giorno_scadenza e mesi_morosita"
)]
pub(super) struct CollectionFile {
    pub(super) giorno_scadenza: Option<Spanned<i64>>,
    pub(super) mesi_morosita: Option<Spanned<i64>>,
}
