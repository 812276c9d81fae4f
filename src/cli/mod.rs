//! The command line: the console by default, batch jobs as subcommands over the same core.
//! Exit codes: 0 success, 1 a failure the user can act on (Italian message on stderr), 2 usage.

/// Every line the command line prints passes through `output::printable`: these shadow the
/// standard macros in this module and every module below it. (Progress is drawn by
/// `progress::Progress`, on a terminal only.)
macro_rules! println {
    () => {
        $crate::cli::output::line("")
    };
    ($($arg:tt)*) => {
        $crate::cli::output::line(&::std::format!($($arg)*))
    };
}

macro_rules! eprintln {
    () => {
        $crate::cli::output::error_line("")
    };
    ($($arg:tt)*) => {
        $crate::cli::output::error_line(&::std::format!($($arg)*))
    };
}

mod access;
mod args;
mod assignment;
mod audit;
mod cases;
mod commands;
mod duration;
mod intake;
mod lease;
mod outbox;
mod output;
mod progress;
mod ranking;
mod recompute;
mod rent;
mod review;
pub mod seam;
mod units;
mod usage;

pub use commands::run_inside;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgAction, Args, CommandFactory, FromArgMatches, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "alloggi",
    version,
    about = "Console per la gestione del bando di edilizia residenziale pubblica e dei messaggi app IO",
    long_about = None,
    disable_help_subcommand = true,
    disable_help_flag = true,
    disable_version_flag = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    /// Apre la console su un database dimostrativo nuovo, in una cartella temporanea.
    #[arg(long)]
    pub demo: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Mostra questo aiuto.
    #[arg(short = 'h', long = "help", global = true, action = ArgAction::Help)]
    help: Option<bool>,

    /// Mostra la versione.
    #[arg(short = 'V', long = "version", action = ArgAction::Version)]
    version: Option<bool>,

    /// Cartella del database (predefinita: la cartella dati dell'utente, es. ~/.local/share/alloggi).
    #[arg(
        long,
        global = true,
        env = "ALLOGGI_DB",
        hide_env_values = true,
        value_name = "CARTELLA"
    )]
    pub db: Option<PathBuf>,

    /// Nome dell'operatore registrato nel registro di controllo (predefinito: l'utente di sistema).
    #[arg(
        long,
        global = true,
        env = "ALLOGGI_OPERATORE",
        hide_env_values = true,
        value_name = "NOME"
    )]
    pub operatore: Option<String>,

    /// File dei ruoli (predefinito: ruoli.toml nella cartella del database; senza file ogni
    /// utente è amministratore).
    #[arg(
        long,
        global = true,
        env = "ALLOGGI_RUOLI",
        hide_env_values = true,
        value_name = "FILE"
    )]
    pub ruoli: Option<PathBuf>,

    /// Mappa dei tasti della console: «default», «vim» o il percorso di un file TOML, applicato
    /// sopra quella predefinita. Un file dell'utente in ~/.config/alloggi/keymap.toml si aggiunge sopra.
    #[arg(long, global = true, env = "ALLOGGI_KEYMAP", value_name = "NOME|FILE")]
    pub keymap: Option<String>,

    /// Dati del Comune per i messaggi IO (nome, sportello, indirizzi web…): file TOML come
    /// fixtures/comune.toml (predefinito: ~/.config/alloggi/comune.toml).
    #[arg(long, global = true, env = "ALLOGGI_COMUNE", value_name = "FILE")]
    pub comune: Option<PathBuf>,

    /// Console condivisa (predefinita): la console si collega al servizio della console del
    /// database (`alloggi serve`) e, se nessuno risponde, lo avvia. Con «no» (o
    /// ALLOGGI_CONSOLE_CONDIVISA=0) apre il database nel proprio processo, senza servizio.
    #[arg(
        long,
        global = true,
        env = "ALLOGGI_CONSOLE_CONDIVISA",
        value_name = "SÌ|NO",
        num_args = 0..=1,
        default_missing_value = "sì",
        value_parser = yes_or_no
    )]
    pub condivisa: Option<bool>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Riempie il database con dati dimostrativi realistici (deterministici per un dato seme).
    #[command(alias = "dimostrazione")]
    Demo {
        /// Numero di domande da generare (al massimo 1.000.000).
        #[arg(
            long = "domande",
            alias = "applications",
            default_value_t = 300,
            value_name = "N"
        )]
        applications: usize,
        /// Seme del generatore: lo stesso seme produce gli stessi dati.
        #[arg(
            long = "seme",
            alias = "seed",
            default_value_t = 2024,
            value_name = "S"
        )]
        seed: u64,
        /// Solo il bando in corso: senza il bando dell'anno prima con la graduatoria
        /// definitiva, i 40 alloggi e l'assegnazione in corso.
        #[arg(long = "solo-bando-corrente", alias = "only-current-call")]
        only_current: bool,
    },
    /// Importa dati da file esterni.
    #[command(subcommand)]
    #[command(alias = "importa")]
    Import(ImportCommand),
    /// Gestisce i bandi.
    #[command(subcommand)]
    #[command(alias = "bando")]
    Call(CallCommand),
    /// Scrive una copia di sicurezza completa (JSON Lines).
    #[command(alias = "esporta")]
    Export {
        /// File di destinazione.
        file: PathBuf,
    },
    /// Carica una copia di sicurezza in un database vuoto.
    #[command(alias = "ripristina")]
    Restore {
        /// File prodotto da `alloggi export`.
        file: PathBuf,
    },
    /// Registro di controllo.
    #[command(subcommand)]
    #[command(alias = "registro")]
    Audit(AuditCommand),
    /// Servizio della console condivisa: apre il database e accoglie le console di più
    /// operatori sul socket console.sock nella cartella del database (permessi 600). La console
    /// lo avvia da sé; termina quando nessuna console è collegata da un certo tempo. Finché è
    /// in funzione, i sottocomandi si eseguono al suo interno, come l'utente che li lancia.
    #[command(alias = "servizio")]
    Serve {
        /// Dopo quanto tempo senza console collegate il servizio termina, per esempio 90s, 10m, 1h.
        #[arg(long = "inattivo", env = "ALLOGGI_INATTIVO", default_value = "10m", value_name = "DURATA", value_parser = duration::parse)]
        idle: std::time::Duration,
        /// Non termina mai per inattività (prevale su --inattivo): per un servizio avviato dal
        /// sistema (systemd).
        #[arg(long = "sempre")]
        always: bool,
        /// Il socket è aperto anche al gruppo di sistema NOME (permessi 660): il gruppo degli
        /// operatori, quando il servizio gira con un'utenza sua (vedi README, «Ufficio condiviso»).
        #[arg(long = "gruppo", value_name = "NOME")]
        group: Option<String>,
        /// Ogni quanto il servizio invia a pagoPA (GPD) gli avvisi in attesa e ne legge i
        /// pagamenti, come «alloggi rent sync»: solo se la chiave GPD e le chiavi
        /// [ente_creditore] del file del Comune sono presenti. Per esempio 5m, 15m, 1h.
        #[arg(long = "gpd-ogni", env = "ALLOGGI_GPD_OGNI", default_value = "15m", value_name = "DURATA", value_parser = duration::parse)]
        gpd_every: std::time::Duration,
    },
    /// Verifica che gli indici e i contatori concordino con i dati.
    #[command(alias = "controlla")]
    Check,
    /// Messaggi app IO: invio, esiti, pacchetti per gli uffici senza rete.
    #[command(subcommand)]
    #[command(alias = "messaggi")]
    Outbox(OutboxCommand),
    /// Decisioni sulle domande in istruttoria: revoca dell'ammissione, preavviso di rigetto
    /// (art. 10-bis L. 241/1990) con osservazioni, conferma dell'esclusione o ritiro.
    #[command(subcommand)]
    #[command(alias = "istruttoria")]
    Review(ReviewCommand),
    /// Graduatoria: tabella dei punteggi, pubblicazione, opposizioni, esportazioni.
    #[command(subcommand)]
    #[command(alias = "graduatoria")]
    Ranking(RankingCommand),
    /// Assegnazione degli alloggi sulla graduatoria definitiva: apertura con il messaggio a
    /// ogni richiedente, proposte in ordine di graduatoria, risposte, diffide, esclusioni,
    /// provvedimento di assegnazione.
    #[command(subcommand)]
    #[command(alias = "assegnazione")]
    Assignment(AssignmentCommand),
    /// Contratto di locazione dopo il provvedimento di assegnazione: contratto pronto,
    /// appuntamento per la firma, firma con il canone della tabella in vigore.
    #[command(subcommand)]
    #[command(alias = "contratto")]
    Contract(ContractCommand),
    /// Canoni: regole, avvisi mensili su pagoPA, pagamenti, promemoria, morosità.
    #[command(subcommand)]
    #[command(alias = "canoni")]
    Rent(RentCommand),
    /// Mostra una domanda: richiedente, stato e storia. La lettura è registrata (vedi «accessi»).
    #[command(alias = "mostra")]
    Show {
        /// Protocollo della domanda.
        #[arg(long, value_name = "PROTOCOLLO")]
        protocollo: String,
    },
    /// Chi ha aperto una domanda e quando (dalla console o dalla riga di comando), dalla più
    /// recente: le prime 100 e il totale.
    #[command(name = "accessi", alias = "access")]
    Access {
        /// Protocollo della domanda.
        #[arg(long, value_name = "PROTOCOLLO")]
        protocollo: String,
    },
    /// Alloggi del patrimonio: importazione dell'elenco dell'ente gestore, elenco, scheda,
    /// cambio di stato.
    #[command(subcommand)]
    #[command(alias = "alloggi")]
    Units(UnitsCommand),
    /// Elenca gli appuntamenti allo sportello di un giorno, annullati compresi.
    #[command(alias = "appuntamenti")]
    Appointments {
        /// Giorno, gg/mm/aaaa (predefinito: oggi, ora di Roma).
        #[arg(long, value_name = "GG/MM/AAAA")]
        giorno: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum RentCommand {
    /// Emette l'avviso del mese per ogni contratto in vigore: numero avviso dal codice di
    /// segregazione del Comune e da un progressivo mai riusato, messaggio «Hai un nuovo avviso
    /// di pagamento» e creazione su pagoPA in coda; ripetuto per lo stesso mese non aggiunge
    /// nulla.
    #[command(alias = "emetti")]
    Issue {
        /// Mese, aaaa-mm.
        #[arg(long, value_name = "AAAA-MM")]
        mese: String,
    },
    /// Invia a pagoPA (GPD) le posizioni da creare, i pagamenti allo sportello e gli
    /// annullamenti, e legge i pagamenti fatti con pagoPA.
    #[command(alias = "sincronizza")]
    Sync {
        /// Tempo massimo (per esempio 90s, 10m, 1h): poi non parte più nulla.
        #[arg(long = "durata-massima", value_name = "DURATA", default_value = "10m")]
        durata_massima: String,
    },
    /// Carica le regole dei canoni (fasce ISEE, €/m² per zona, minimo, durata del contratto,
    /// scadenza degli avvisi, soglia di morosità) da un file TOML; esempio:
    /// fixtures/rent/esempio.toml.
    #[command(alias = "regole")]
    Rules {
        /// File TOML delle regole.
        file: std::path::PathBuf,
        /// Controlla soltanto il file, senza caricarlo.
        #[arg(long)]
        controlla: bool,
    },
    /// Accoda «Hai un pagamento in scadenza» agli avvisi non pagati che scadono entro N giorni,
    /// una volta per avviso.
    #[command(alias = "promemoria")]
    Remind {
        /// Giorni alla scadenza.
        #[arg(long, value_name = "N")]
        entro: u32,
    },
    /// Accoda «Pagamento non effettuato» agli avvisi scaduti e non pagati, una volta per
    /// avviso; segnala per la decadenza chi ha raggiunto la soglia di mensilità non pagate.
    #[command(alias = "scaduti")]
    Overdue,
    /// Registra un pagamento allo sportello o con bonifico; pagoPA ne è informato alla
    /// sincronizzazione.
    #[command(alias = "pagato")]
    Paid {
        /// Numero avviso (18 cifre, anche a gruppi).
        #[arg(long, value_name = "NUMERO")]
        avviso: String,
        /// Data del pagamento, gg/mm/aaaa.
        #[arg(long, value_name = "GG/MM/AAAA")]
        data: String,
    },
    /// Il conto di un inquilino: avvisi, pagamenti, saldo, mensilità non pagate.
    #[command(alias = "conto")]
    Show {
        #[arg(long, value_name = "PROTOCOLLO")]
        protocollo: String,
    },
    /// Gli inquilini morosi, dal più lungo arretrato.
    #[command(alias = "morosi")]
    Arrears,
    /// Rimette in attesa le richieste per pagoPA di un pacchetto andato perso, con il motivo:
    /// le invierà la prossima sincronizzazione o il prossimo pacchetto (ripeterle non crea
    /// doppioni su pagoPA).
    #[command(alias = "rimetti")]
    Requeue {
        /// L'identificativo del pacchetto (P…), come lo ha scritto «outbox export».
        #[arg(long = "pacchetto", value_name = "PACCHETTO")]
        pacchetto: String,
        #[arg(long, value_name = "TESTO")]
        motivo: String,
    },
    /// Riconosce la morosità incolpevole (DM 14/5/2014): la decadenza non parte.
    #[command(alias = "incolpevole")]
    Innocent {
        #[arg(long, value_name = "PROTOCOLLO")]
        protocollo: String,
        /// licenziamento, riduzione-orario, contratto-non-rinnovato, cessazione-attivita,
        /// malattia-grave, decesso.
        #[arg(long, value_name = "CAUSA")]
        causa: String,
        /// I documenti che la provano.
        #[arg(long, value_name = "TESTO")]
        documenti: String,
    },
    /// Registra l'ISEE presentato dall'inquilino per l'aggiornamento annuale del canone.
    Isee {
        #[arg(long, value_name = "PROTOCOLLO")]
        protocollo: String,
        /// Valore ISEE in euro, per esempio 12.345,67.
        #[arg(long, value_name = "EURO")]
        isee: String,
        /// Ultimo giorno di validità dell'attestazione, gg/mm/aaaa (predefinito: il 31/12
        /// dell'anno in corso).
        #[arg(long = "valida-fino", value_name = "GG/MM/AAAA")]
        valida_fino: Option<String>,
    },
    /// Ricalcola il canone di ogni contratto firmato con le regole in vigore dal giorno
    /// indicato e l'ISEE registrato valido quel giorno (senza ISEE: canone oggettivo); mostra
    /// il prima e il dopo e non scrive nulla senza --conferma.
    #[command(alias = "ricalcola")]
    Recompute {
        /// Decorrenza dei nuovi canoni, gg/mm/aaaa (di solito il 1° ottobre).
        #[arg(long, value_name = "GG/MM/AAAA")]
        dal: String,
        /// Registra i nuovi canoni.
        #[arg(long)]
        conferma: bool,
    },
    /// Piano di rientro: gli arretrati scaduti in N rate aggiunte agli avvisi successivi.
    #[command(alias = "piano")]
    Plan {
        #[arg(long, value_name = "PROTOCOLLO")]
        protocollo: String,
        #[arg(long, value_name = "N")]
        rate: u8,
        /// Primo mese con la rata, aaaa-mm (predefinito: il mese dopo l'ultimo avviso).
        #[arg(long, value_name = "AAAA-MM")]
        dal: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AssignmentCommand {
    /// Apre l'assegnazione sulla graduatoria definitiva del bando e accoda «Apertura
    /// assegnazione alloggi» a ogni richiedente ammesso, in una sola transazione.
    #[command(alias = "apri")]
    Open {
        /// Codice del bando (predefinito: il bando attivo).
        #[arg(long, value_name = "CODICE")]
        bando: Option<String>,
        /// Data di apertura, gg/mm/aaaa.
        #[arg(long, value_name = "GG/MM/AAAA")]
        dal: String,
        /// Data di chiusura, gg/mm/aaaa (predefinito: 30 giorni dopo l'apertura).
        #[arg(long, value_name = "GG/MM/AAAA")]
        al: Option<String>,
        /// Mostra il messaggio del primo richiedente senza scrivere nulla.
        #[arg(long)]
        anteprima: bool,
    },
    /// Elenca i richiedenti dell'assegnazione in ordine di graduatoria, con il loro stato.
    #[command(alias = "elenco")]
    List {
        /// Codice del bando (predefinito: l'unica assegnazione aperta).
        #[arg(long, value_name = "CODICE")]
        bando: Option<String>,
        /// Solo proposte e diffide scadute senza risposta, e occupazioni scadute.
        #[arg(long)]
        scadute: bool,
    },
    /// Il primo richiedente in ordine di graduatoria a cui proporre l'alloggio, con chi è
    /// saltato e perché, e i requisiti da verificare di nuovo.
    #[command(alias = "prossimo")]
    Next {
        #[arg(long, value_name = "CODICE")]
        bando: Option<String>,
        /// Codice dell'alloggio.
        #[arg(long, value_name = "CODICE")]
        alloggio: String,
    },
    /// Propone un alloggio a una domanda: una proposta aperta per alloggio e per richiedente.
    #[command(alias = "proponi")]
    Offer {
        #[arg(long, value_name = "CODICE")]
        alloggio: String,
        #[arg(long, value_name = "PROTOCOLLO")]
        protocollo: String,
        /// Termine per la risposta, gg/mm/aaaa (predefinito: i giorni del bando, 10).
        #[arg(long, value_name = "GG/MM/AAAA")]
        scadenza: Option<String>,
        /// ISEE, nucleo e residenza verificati di nuovo oggi con i limiti in vigore.
        #[arg(long)]
        requisiti_confermati: bool,
        /// Motivo di una proposta fuori ordine di graduatoria (ruolo responsabile).
        #[arg(long, value_name = "MOTIVO")]
        fuori_ordine: Option<String>,
    },
    /// Registra la risposta a una proposta.
    #[command(alias = "risposta")]
    Reply {
        #[arg(long, value_name = "PROTOCOLLO")]
        protocollo: String,
        #[arg(long, conflicts_with = "rifiuta")]
        accetta: bool,
        #[arg(long)]
        rifiuta: bool,
        /// Rifiuto per gravi motivi documentati: mantiene la posizione.
        #[arg(long, requires = "rifiuta", conflicts_with = "ingiustificato")]
        giustificato: bool,
        /// Rifiuto senza motivi validi: esclusione dalla graduatoria.
        #[arg(long, requires = "rifiuta")]
        ingiustificato: bool,
        /// Motivo del rifiuto (obbligatorio per un rifiuto).
        #[arg(long)]
        motivo: Option<String>,
    },
    /// Diffida a rispondere a una proposta scaduta.
    #[command(alias = "diffida")]
    Warn {
        #[arg(long, value_name = "PROTOCOLLO")]
        protocollo: String,
        /// Nuovo termine, gg/mm/aaaa (predefinito: i giorni del bando, 10).
        #[arg(long, value_name = "GG/MM/AAAA")]
        scadenza: Option<String>,
    },
    /// Esclude dall'assegnazione (decadenza), con la causa e il motivo.
    #[command(alias = "escludi")]
    Exclude {
        #[arg(long, value_name = "PROTOCOLLO")]
        protocollo: String,
        /// Causa: requisiti, mancata-risposta, mancata-occupazione.
        #[arg(long, value_name = "CAUSA")]
        causa: String,
        #[arg(long)]
        motivo: String,
    },
    /// Provvedimento di assegnazione dopo l'accettazione: l'alloggio è assegnato e si accoda
    /// «Dettagli della tua assegnazione».
    #[command(alias = "provvedimento")]
    Decree {
        #[arg(long, value_name = "PROTOCOLLO")]
        protocollo: String,
        /// Data del provvedimento, gg/mm/aaaa.
        #[arg(long, value_name = "GG/MM/AAAA")]
        dal: String,
        /// Mostra il messaggio senza scrivere nulla.
        #[arg(long)]
        anteprima: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ContractCommand {
    /// Il contratto è pronto per la firma: accoda «Il contratto è pronto per la firma» con
    /// codice e indirizzo dell'alloggio, nella stessa transazione.
    #[command(alias = "pronto")]
    Ready {
        #[arg(long, value_name = "PROTOCOLLO")]
        protocollo: String,
        /// Mostra il messaggio senza scrivere nulla.
        #[arg(long)]
        anteprima: bool,
    },
    /// Prenota nell'agenda l'appuntamento per la firma e accoda «Il tuo appuntamento» con
    /// numero, luogo, giorno e ora, nella stessa transazione.
    #[command(alias = "appuntamento")]
    Appointment {
        #[arg(long, value_name = "PROTOCOLLO")]
        protocollo: String,
        /// Giorno e ora, «gg/mm/aaaa hh:mm» (ora di Roma).
        #[arg(long, value_name = "GG/MM/AAAA HH:MM")]
        quando: String,
        /// Dove si firma (es. «Ufficio Casa, piazza del Popolo 1, Fermo»).
        #[arg(long, value_name = "LUOGO")]
        dove: String,
        /// Mostra il messaggio senza scrivere nulla.
        #[arg(long)]
        anteprima: bool,
    },
    /// Registra la firma del contratto, con il canone calcolato dalla tabella dei canoni in
    /// vigore il giorno della firma, e lo mostra.
    #[command(alias = "firma")]
    Sign {
        #[arg(long, value_name = "PROTOCOLLO")]
        protocollo: String,
        /// Numero del contratto, come lo dà l'ente gestore (al massimo 30 caratteri).
        #[arg(long, value_name = "NUMERO")]
        numero: String,
        /// Giorno della firma, gg/mm/aaaa: non futuro, non prima del provvedimento.
        #[arg(long, value_name = "GG/MM/AAAA")]
        data: String,
        /// Decorrenza, gg/mm/aaaa (predefinita: il giorno della firma).
        #[arg(long, value_name = "GG/MM/AAAA")]
        decorrenza: Option<String>,
        /// Chi firma per l'ente (predefinito: l'operatore).
        #[arg(long, value_name = "NOME")]
        firmatario: Option<String>,
        /// Mostra il contratto che verrebbe registrato, canone e calcolo compresi, senza
        /// registrare nulla.
        #[arg(long)]
        anteprima: bool,
    },
    /// Mostra il contratto di una domanda: parti, alloggio, durata, deposito, canone e il suo
    /// calcolo.
    #[command(alias = "mostra")]
    Show {
        #[arg(long, value_name = "PROTOCOLLO")]
        protocollo: String,
    },
    /// Elenca i contratti firmati, uno per riga a partire dal numero.
    #[command(alias = "elenco")]
    List,
}

#[derive(Debug, Subcommand)]
pub enum UnitsCommand {
    /// Importa l'elenco degli alloggi dell'ente gestore (CSV separato da ';', vedi README):
    /// aggiunge i nuovi e aggiorna i cambiati, per codice. Tutto o niente: con una sola riga
    /// errata non si importa nulla; ripetere l'importazione dello stesso file non cambia nulla.
    #[command(alias = "importa")]
    Import {
        /// File CSV degli alloggi (esempio: fixtures/alloggi-esempio.csv).
        file: PathBuf,
    },
    /// Elenca gli alloggi, uno per riga a partire dal codice: stato, indirizzo, piano,
    /// superficie utile, vani, accessibilità, giorni da cui è vuoto.
    #[command(alias = "elenca")]
    List {
        /// Solo uno stato: libero, in-lavori, proposto, locato, non-assegnabile.
        #[arg(long, value_name = "STATO")]
        stato: Option<String>,
        /// Solo gli alloggi adeguati per superficie a un nucleo di N persone (fasce del bando
        /// attivo).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=20))]
        nucleo: Option<u16>,
        /// Solo gli alloggi accessibili (senza barriere architettoniche).
        #[arg(long)]
        accessibili: bool,
        /// Solo gli alloggi vuoti da almeno N giorni.
        #[arg(long = "vuoti-da", value_name = "N", value_parser = clap::value_parser!(u32).range(0..=100_000))]
        vuoti_da: Option<u32>,
    },
    /// Mostra ogni dato di un alloggio.
    #[command(alias = "mostra")]
    Show {
        /// Codice dell'alloggio (es. FM-001).
        #[arg(value_name = "CODICE")]
        code: String,
    },
    /// Cambia lo stato di un alloggio in libero, in-lavori o non-assegnabile, con il motivo
    /// (va nel registro di controllo). «proposto» e «locato» li danno l'assegnazione.
    #[command(alias = "stato")]
    State {
        /// Codice dell'alloggio (es. FM-001).
        #[arg(value_name = "CODICE")]
        code: String,
        /// Nuovo stato: libero, in-lavori, non-assegnabile.
        #[arg(long, value_name = "STATO")]
        stato: String,
        /// Perché cambia (va nel registro di controllo).
        #[arg(long)]
        motivo: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReviewCommand {
    /// Ammette una domanda in istruttoria. Servono tutti i requisiti verificati e i documenti
    /// necessari; con requisiti non verificati si ammette solo in deroga, con il motivo
    /// (--deroga), che il registro di controllo conserva con i requisiti che copre.
    #[command(alias = "ammetti")]
    Admit {
        /// Protocollo della domanda (es. 2024/000012).
        #[arg(long, value_name = "PROTOCOLLO")]
        protocollo: String,
        /// Nota dell'ammissione.
        #[arg(long, default_value = "")]
        nota: String,
        /// Motivo della deroga ai requisiti non verificati.
        #[arg(long, value_name = "MOTIVO")]
        deroga: Option<String>,
    },
    /// Revoca l'ammissione di una domanda, con il motivo: torna in istruttoria. Possibile fino
    /// alla pubblicazione della graduatoria definitiva.
    #[command(alias = "revoca-ammissione")]
    RevokeAdmission {
        /// Protocollo della domanda (es. 2024/000012).
        #[arg(long, value_name = "PROTOCOLLO")]
        protocollo: String,
        /// Perché si revoca (va nel registro di controllo).
        #[arg(long)]
        motivo: String,
    },
    /// Comunica i motivi ostativi (art. 10-bis L. 241/1990) di una domanda in istruttoria:
    /// causa e nota; il cittadino ha i giorni del bando (predefinito 10) per le osservazioni.
    /// Con i dati del Comune (--comune) accoda anche il messaggio IO, testo del Comune.
    #[command(alias = "preavviso")]
    Notice {
        /// Protocollo della domanda (es. 2024/000012).
        #[arg(long, value_name = "PROTOCOLLO")]
        protocollo: String,
        /// Causa: requisito-mancante, documenti-mancanti, isee-superiore, falsa-dichiarazione,
        /// domanda-tardiva, altro.
        #[arg(long, value_name = "CAUSA")]
        causa: String,
        /// I motivi, per il cittadino (va nel messaggio e nel registro di controllo).
        #[arg(long)]
        nota: String,
    },
    /// Registra le osservazioni del cittadino al preavviso.
    #[command(alias = "osservazioni")]
    Observations {
        /// Protocollo della domanda (es. 2024/000012).
        #[arg(long, value_name = "PROTOCOLLO")]
        protocollo: String,
        /// Giorno di ricezione, gg/mm/aaaa.
        #[arg(long, value_name = "GG/MM/AAAA")]
        data: String,
        /// Sintesi delle osservazioni.
        #[arg(long)]
        testo: String,
    },
    /// Conferma l'esclusione per la causa del preavviso, ricevute le osservazioni o scaduto il
    /// termine; con osservazioni ricevute la nota dice perché non cambiano l'esito.
    #[command(alias = "conferma-esclusione")]
    ConfirmExclusion {
        /// Protocollo della domanda (es. 2024/000012).
        #[arg(long, value_name = "PROTOCOLLO")]
        protocollo: String,
        /// Nota della decisione.
        #[arg(long, default_value = "")]
        nota: String,
    },
    /// Ritira il preavviso, con il motivo: l'istruttoria prosegue.
    #[command(alias = "ritira-preavviso")]
    WithdrawNotice {
        /// Protocollo della domanda (es. 2024/000012).
        #[arg(long, value_name = "PROTOCOLLO")]
        protocollo: String,
        /// Perché si ritira (va nel registro di controllo).
        #[arg(long)]
        motivo: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// Invia a IO i messaggi in coda, aggiorna gli esiti di consegna ed esce (adatto a cron).
    /// Chiave da ALLOGGI_IO_API_KEY o dal file in ALLOGGI_IO_API_KEY_FILE (permessi 600);
    /// indirizzo da ALLOGGI_IO_BASE_URL. Esce con 0 se ha inviato o se non c'era nulla da
    /// inviare, con 1 se nessun messaggio è partito pur essendocene in coda, in caso di errore
    /// o se interrotto (Ctrl+C, SIGTERM, SIGHUP: si attendono le risposte già in arrivo).
    #[command(alias = "invia")]
    Send {
        /// Tempo massimo dell'invio, per esempio 90s, 5m, 1h: allo scadere non parte più
        /// nulla, si attendono le risposte delle richieste già partite e i messaggi rimasti
        /// restano in coda per l'invio successivo.
        #[arg(long, default_value = "5m", value_name = "DURATA", value_parser = duration::parse)]
        durata_massima: std::time::Duration,
    },
    /// Elenca i messaggi, per stato.
    #[command(alias = "elenca")]
    List {
        /// Solo uno stato: in-coda, inviati, non-raggiungibili, incerti, errori, esportati, ritirati.
        #[arg(long, value_name = "STATO")]
        stato: Option<String>,
        /// Quanti messaggi per stato, dai più recenti.
        #[arg(long, default_value_t = 50, value_name = "N")]
        limite: usize,
    },
    /// Rimette in coda un messaggio incerto, respinto o non raggiungibile: sarà inviato di nuovo.
    #[command(alias = "rimetti-in-coda")]
    Requeue {
        /// Numero del messaggio (es. M12).
        id: String,
        /// Perché lo si invia di nuovo (va nel registro di controllo).
        #[arg(long)]
        motivo: String,
    },
    /// Ritira un messaggio ancora in coda (o in attesa di riprovare): non sarà mai inviato.
    /// Rifiutato per i messaggi già inviati, in invio, esportati o incerti.
    #[command(alias = "ritira")]
    Withdraw {
        /// Numero del messaggio (es. M12).
        id: String,
        /// Perché lo si ritira (va nel registro di controllo).
        #[arg(long)]
        motivo: String,
    },
    /// Segna come inviato un messaggio incerto o esportato.
    #[command(alias = "segna-inviato")]
    MarkSent {
        /// Numero del messaggio (es. M12).
        id: String,
        /// Perché lo si considera inviato (va nel registro di controllo).
        #[arg(long)]
        motivo: String,
        /// L'identificativo assegnato da IO, se noto.
        #[arg(long, value_name = "ID")]
        id_io: Option<String>,
    },
    /// Crea la chiave dei pacchetti: un file nuovo, leggibile solo dal proprietario (permessi
    /// 600), con 32 byte casuali. Va copiato, per una via fidata, sulla macchina collegata che
    /// invia i pacchetti: export, send-bundle e import-receipts lo chiedono tutti. Un file già
    /// esistente non viene mai sovrascritto.
    #[command(alias = "crea-chiave")]
    Keygen {
        /// File della chiave da creare (es. ~/.config/alloggi/chiave-pacchetti).
        file: PathBuf,
    },
    /// Scrive i messaggi in coda in un pacchetto firmato con la chiave dei pacchetti, per
    /// inviarli da una macchina collegata.
    #[command(alias = "esporta")]
    Export {
        /// File del pacchetto da creare.
        file: PathBuf,
        #[command(flatten)]
        chiave: BundleKeyArg,
    },
    /// Invia un pacchetto da una macchina collegata (senza database) e scrive le ricevute,
    /// firmate. Un pacchetto la cui firma non corrisponde alla chiave è rifiutato prima di
    /// inviare qualsiasi messaggio.
    #[command(alias = "invia-pacchetto")]
    SendBundle {
        /// Pacchetto prodotto da `alloggi outbox export`.
        file: PathBuf,
        /// File delle ricevute (ripetendo il comando con lo stesso file si riprende da dove ci si era fermati).
        #[arg(long = "ricevute", alias = "receipts", value_name = "FILE")]
        receipts: PathBuf,
        #[command(flatten)]
        chiave: BundleKeyArg,
    },
    /// Registra le ricevute di un pacchetto: i messaggi risultano inviati o respinti. Ricevute
    /// con una firma che non corrisponde, o di un pacchetto non esportato da questo database,
    /// sono rifiutate per intero.
    #[command(alias = "importa-ricevute")]
    ImportReceipts {
        /// File delle ricevute prodotto da `alloggi outbox send-bundle`.
        file: PathBuf,
        #[command(flatten)]
        chiave: BundleKeyArg,
    },
}

/// The shared key's file, for the commands that make or read bundles and receipts.
#[derive(Debug, Args)]
pub struct BundleKeyArg {
    /// File della chiave dei pacchetti, creato con `alloggi outbox keygen` e uguale sulle due
    /// macchine (permessi 600).
    #[arg(
        long = "chiave-pacchetto",
        env = "ALLOGGI_CHIAVE_PACCHETTO",
        hide_env_values = true,
        value_name = "FILE"
    )]
    pub key_file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Importa le domande esportate dal portale online (CSV separato da ';', vedi README).
    /// Tutto o niente: con una sola riga errata non si importa nulla.
    #[command(alias = "domande")]
    Applications {
        /// File CSV del portale.
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum CallCommand {
    /// Carica (o aggiorna) un bando da un file TOML; il primo bando caricato diventa attivo.
    #[command(alias = "carica")]
    Load {
        /// File TOML del bando (esempio: fixtures/bando-2024.toml).
        file: PathBuf,
        /// Rende attivo il bando caricato.
        #[arg(long = "attiva", alias = "activate")]
        activate: bool,
    },
    /// Elenca i bandi del database, con la data di pubblicazione e il numero di interessati.
    #[command(alias = "elenca")]
    List,
    /// Pubblica il bando e accoda il messaggio IO «Pubblicazione del bando» per ogni cittadino
    /// interessato, nella stessa transazione. Servono i dati del Comune (--comune).
    #[command(alias = "pubblica")]
    Publish {
        /// Codice del bando (predefinito: il bando attivo).
        #[arg(value_name = "CODICE")]
        code: Option<String>,
    },
    /// I cittadini interessati al bando, che ricevono il messaggio della pubblicazione.
    #[command(subcommand)]
    #[command(alias = "interessati")]
    Interested(InterestedCommand),
}

#[derive(Debug, Subcommand)]
pub enum InterestedCommand {
    /// Aggiunge i codici fiscali di un file CSV (uno per riga, vedi README).
    /// Tutto o niente: con una sola riga errata non si aggiunge nulla.
    #[command(alias = "importa")]
    Import {
        /// File CSV con il codice fiscale nella prima colonna.
        file: PathBuf,
        /// Codice del bando (predefinito: il bando attivo).
        #[arg(long, value_name = "CODICE")]
        bando: Option<String>,
    },
    /// Elenca i cittadini interessati.
    #[command(alias = "elenca")]
    List {
        /// Codice del bando (predefinito: il bando attivo).
        #[arg(long, value_name = "CODICE")]
        bando: Option<String>,
    },
    /// Toglie un cittadino dall'elenco degli interessati.
    #[command(alias = "togli")]
    Remove {
        /// Codice fiscale del cittadino.
        #[arg(value_name = "CODICE_FISCALE")]
        fiscal_code: String,
        /// Codice del bando (predefinito: il bando attivo).
        #[arg(long, value_name = "CODICE")]
        bando: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum RankingCommand {
    /// Carica la tabella dei punteggi del bando da un file TOML
    /// (esempio: fixtures/rules/esempio-marche.toml). Ogni errore indica file e riga.
    #[command(alias = "tabella")]
    Rules {
        /// File TOML della tabella.
        file: PathBuf,
        /// Codice del bando (predefinito: il bando attivo).
        #[arg(long, value_name = "CODICE")]
        bando: Option<String>,
        /// Controlla soltanto il file, senza caricarlo.
        #[arg(long)]
        controlla: bool,
    },
    /// Mostra la graduatoria come risulta ora dai dati, senza pubblicarla.
    #[command(alias = "mostra")]
    Show {
        /// Codice del bando (predefinito: il bando attivo).
        #[arg(long, value_name = "CODICE")]
        bando: Option<String>,
        /// Mostra solo le prime N righe.
        #[arg(long = "limite", alias = "limit", value_name = "N")]
        limit: Option<usize>,
    },
    /// Pubblica una nuova versione della graduatoria, congelata, e accoda il messaggio IO per
    /// ogni richiedente nella stessa transazione. Servono i dati del Comune (--comune).
    #[command(alias = "pubblica")]
    Publish {
        /// Graduatoria provvisoria: apre il termine per le opposizioni.
        #[arg(
            long,
            conflicts_with = "definitiva",
            required_unless_present = "definitiva"
        )]
        provvisoria: bool,
        /// Graduatoria definitiva: dopo il termine e con tutte le opposizioni decise.
        #[arg(long)]
        definitiva: bool,
        /// Codice del bando (predefinito: il bando attivo).
        #[arg(long, value_name = "CODICE")]
        bando: Option<String>,
        /// Seme del sorteggio per i pari merito (predefinito: casuale, registrato).
        #[arg(long, value_name = "N")]
        seme: Option<u64>,
    },
    /// Elenca le versioni pubblicate.
    #[command(alias = "versioni")]
    Versions {
        /// Codice del bando (predefinito: il bando attivo).
        #[arg(long, value_name = "CODICE")]
        bando: Option<String>,
    },
    /// Esporta una versione pubblicata: elenco pubblico (solo protocollo, posizione, punteggio,
    /// esito), elenco per l'ufficio (con nomi e dettaglio) e testo per l'albo.
    #[command(alias = "esporta")]
    Export {
        /// Numero della versione.
        #[arg(long = "versione", alias = "version", value_name = "N")]
        version: u32,
        /// CSV pubblico, per l'albo pretorio e Amministrazione trasparente.
        #[arg(long = "pubblico", alias = "public", value_name = "FILE.csv")]
        public: Option<PathBuf>,
        /// CSV per l'ufficio, con nomi e punteggi per criterio: non va pubblicato.
        #[arg(long = "interno", alias = "internal", value_name = "FILE.csv")]
        internal: Option<PathBuf>,
        /// Testo stampabile dell'elenco pubblico, per la bacheca.
        #[arg(long, value_name = "FILE.txt")]
        albo: Option<PathBuf>,
        /// Codice del bando (predefinito: il bando attivo).
        #[arg(long, value_name = "CODICE")]
        bando: Option<String>,
    },
    /// Ripete il sorteggio di una versione con il seme registrato e verifica che l'esito sia lo stesso.
    #[command(alias = "sorteggio")]
    Draw {
        /// Numero della versione.
        #[arg(long = "versione", alias = "version", value_name = "N")]
        version: u32,
        /// Codice del bando (predefinito: il bando attivo).
        #[arg(long, value_name = "CODICE")]
        bando: Option<String>,
    },
    /// Registra un'opposizione alla graduatoria provvisoria.
    #[command(alias = "opposizione")]
    Objection {
        /// Protocollo della domanda.
        #[arg(long, value_name = "PROTOCOLLO")]
        protocollo: String,
        /// Data di ricezione, gg/mm/aaaa.
        #[arg(long, value_name = "GG/MM/AAAA")]
        data: String,
        /// Sintesi dell'opposizione.
        #[arg(long, value_name = "TESTO")]
        testo: String,
    },
    /// Decide l'opposizione aperta di una domanda.
    #[command(alias = "decidi")]
    Decide {
        /// Protocollo della domanda.
        #[arg(long, value_name = "PROTOCOLLO")]
        protocollo: String,
        /// L'opposizione è accolta (poi si rettifica il punteggio).
        #[arg(
            long,
            conflicts_with = "respinta",
            required_unless_present = "respinta"
        )]
        accolta: bool,
        /// L'opposizione è respinta.
        #[arg(long)]
        respinta: bool,
        /// Motivazione della decisione.
        #[arg(long, value_name = "TESTO")]
        motivo: String,
    },
    /// Rettifica il punteggio di una domanda ammessa: i punti di un criterio (senza --punti torna
    /// al calcolo) oppure una condizione riconosciuta o no. Stampa la differenza di punti e il
    /// cambio di posizione.
    #[command(alias = "rettifica")]
    Adjust {
        /// Protocollo della domanda.
        #[arg(long, value_name = "PROTOCOLLO")]
        protocollo: String,
        /// Codice del criterio nella tabella.
        #[arg(
            long,
            value_name = "CODICE",
            conflicts_with = "condizione",
            required_unless_present = "condizione"
        )]
        criterio: Option<String>,
        /// Punti riconosciuti, es. 2 o 0,5.
        #[arg(long, value_name = "PUNTI", requires = "criterio")]
        punti: Option<String>,
        /// Condizione riconosciuta (dichiarata e verificata), es. ordine_rilascio.
        #[arg(long, value_name = "CODICE")]
        condizione: Option<String>,
        /// Con --condizione: la condizione non è riconosciuta.
        #[arg(long, requires = "condizione")]
        non_riconosciuta: bool,
        /// Motivazione della rettifica.
        #[arg(long, value_name = "TESTO")]
        motivo: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Verifica la catena di impronte SHA-256 del registro di controllo e, con --checkpoints,
    /// che ogni voce firmata in un checkpoint esista ancora identica.
    #[command(alias = "verifica")]
    Verify {
        /// File dei checkpoint scritto da «alloggi audit sign».
        #[arg(long, value_name = "FILE", requires = "chiave_pubblica")]
        checkpoints: Option<PathBuf>,
        /// Chiave pubblica fidata (il FILE.pub di «alloggi audit keygen»), conservata fuori dal
        /// database: solo i checkpoint firmati con questa chiave sono accettati.
        #[arg(
            long = "chiave-pubblica",
            value_name = "FILE",
            requires = "checkpoints"
        )]
        chiave_pubblica: Option<PathBuf>,
    },
    /// Crea una chiave di firma ed25519 per i checkpoint: FILE (privata, permessi 600) e
    /// FILE.pub (pubblica). Non sovrascrive file esistenti. Conservare la chiave fuori dal
    /// database.
    #[command(alias = "crea-chiave")]
    Keygen {
        /// File della chiave privata da creare.
        file: PathBuf,
    },
    /// Firma l'ultima voce del registro di controllo (se la catena è integra) e aggiunge un
    /// checkpoint al file indicato. Pensato per cron, ogni notte.
    #[command(alias = "firma")]
    Sign {
        /// File della chiave privata scritto da «alloggi audit keygen».
        #[arg(long, value_name = "FILE")]
        chiave: PathBuf,
        /// File dei checkpoint, creato se manca (permessi 600); va copiato su un'altra macchina.
        #[arg(long, value_name = "FILE")]
        checkpoint: PathBuf,
    },
}

/// Parses the arguments and runs; a usage error is told in Italian and exits with 2.
pub fn main() -> ExitCode {
    let cli = match usage::localized(Cli::command())
        .try_get_matches()
        .and_then(|matches| Cli::from_arg_matches(&matches))
    {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    if cli.demo && cli.command.is_some() {
        eprintln!(
            "errore: --demo apre la console e non si usa con un sottocomando\n\nPer l'aiuto: --help"
        );
        return ExitCode::from(2);
    }
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("errore: {message}");
            ExitCode::from(1)
        }
    }
}

/// Help and version are not errors: clap prints them (help with Italian headings).
fn usage_error(error: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match error.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => error.exit(),
        _ => {
            eprintln!("{}", usage::message(&error));
            ExitCode::from(2)
        }
    }
}

/// A yes or no from the environment, in Italian or as 1/0.
fn yes_or_no(text: &str) -> Result<bool, String> {
    match text.trim().to_lowercase().as_str() {
        "1" | "si" | "sì" | "true" | "vero" => Ok(true),
        "0" | "no" | "false" | "falso" | "" => Ok(false),
        _ => Err("si attende sì o no (oppure 1 o 0)".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_yes_or_no_is_read_in_italian_or_as_a_digit() {
        for yes in ["1", "sì", "SI", "true"] {
            assert_eq!(yes_or_no(yes), Ok(true), "{yes}");
        }
        for no in ["0", "no", "", "falso"] {
            assert_eq!(yes_or_no(no), Ok(false), "{no}");
        }
        assert!(yes_or_no("talvolta").is_err());
    }

    #[test]
    fn the_command_line_definition_is_consistent() {
        usage::localized(Cli::command()).debug_assert();
    }
}
