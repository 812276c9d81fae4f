//! Who asks the office: the system user, the name a shared account gave, and their role.

use crate::domain::Context;
use crate::domain::roles::{Role, Roles, refusal};
use crate::domain::time::Timestamp;

use super::identity::Identity;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The system user: what the audit log records as the actor and the roles are read for.
    pub user: String,
    /// The name given with `--operatore` when it differs from the system user: the audit log
    /// records it «per conto di».
    pub on_behalf_of: Option<String>,
    /// `None` when the roles file names the user nowhere and gives no default.
    pub role: Option<Role>,
}

impl Caller {
    /// `identity` acting, for `given` when a name was given, with the role `roles` gives them.
    pub fn new(identity: &Identity, given: Option<&str>, roles: &Roles) -> Caller {
        let on_behalf_of = given
            .map(str::trim)
            .filter(|name| !name.is_empty() && *name != identity.name)
            .map(str::to_string);
        Caller {
            user: identity.name.clone(),
            on_behalf_of,
            role: roles.role_of(&identity.name, &identity.groups),
        }
    }

    /// Who acts, dated `now`.
    pub fn context(&self, now: Timestamp) -> Context {
        Context {
            actor: self.user.clone(),
            on_behalf_of: self.on_behalf_of.clone(),
            now,
        }
    }

    /// Whether the caller's role allows what `needed` allows.
    pub fn may(&self, needed: Role) -> bool {
        self.role.is_some_and(|role| role.allows(needed))
    }

    /// Refuses in Italian, naming the role needed, unless the caller has it.
    pub fn require(&self, needed: Role) -> Result<(), String> {
        if self.may(needed) {
            Ok(())
        } else {
            Err(refusal(&self.user, self.role, needed))
        }
    }

    /// In a shared database another name than one's own is for administrators only: the
    /// server knows who connected, and a name given must not hide it from the others.
    pub fn require_own_name(&self) -> Result<(), String> {
        match &self.on_behalf_of {
            Some(name) if !self.may(Role::Amministratore) => Err(format!(
                "--operatore «{name}» rifiutato: con le console condivise solo un \
                 amministratore agisce per conto di un altro nome; togliere --operatore (e \
                 ALLOGGI_OPERATORE) e ripetere"
            )),
            _ => Ok(()),
        }
    }
}
