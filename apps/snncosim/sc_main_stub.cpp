// libsystemc.so references sc_main (its own main() would call it). The CLI has its own main()
// and runs the kernel with sc_start directly, so this is never called.
extern "C" int sc_main(int /*argc*/, char* /*argv*/[]) { return 1; }
