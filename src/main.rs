fn main() -> std::process::ExitCode {
    alloggi::cli::main()
}
