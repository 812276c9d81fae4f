//! Every integration test in one binary: the crate is linked once instead of once per file.
//! The tests are modules of `suite/`; the helpers they share sit beside it, declared once here.

mod common;
mod suite;
mod support {
    pub mod gpd_stand_in;
    pub mod io_stand_in;
}
