// libsystemc.so references sc_main (its own main() would call it). Executables with their own
// main() that run the kernel with sc_start directly (the CLI, plain doctest tests linking
// sc_models) link this object, so the reference resolves; it is never called.
extern "C" int sc_main(int /*argc*/, char* /*argv*/[]) { return 1; }
