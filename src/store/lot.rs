//! Seeds for draws by lot. The seed comes from the operating system and is recorded with the
//! draw, so the draw cannot be steered and can always be replayed. It sits beside the store that
//! records it because the domain's draw must stay pure: it is given its seed.

use rand::TryRngCore;

pub fn fresh_seed() -> Result<u64, String> {
    rand::rngs::OsRng
        .try_next_u64()
        .map_err(|e| format!("generatore casuale del sistema non disponibile: {e}"))
}
