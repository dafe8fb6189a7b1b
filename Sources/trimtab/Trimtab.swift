import TrimtabCLI

@main
struct Trimtab {
    static func main() {
        CLI.main()
    }
}
