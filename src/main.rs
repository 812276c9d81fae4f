fn main() -> std::process::ExitCode {
    alloggi::files::private::private_by_default();
    alloggi::cli::main()
}
