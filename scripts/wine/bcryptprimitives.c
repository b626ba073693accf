/*
 * A stand-in for Windows' bcryptprimitives.dll, for running the Windows build under Wine 8
 * in CI only (it is never shipped). Rust's standard library imports ProcessPrng from it
 * (Windows 10 and later); Wine 8 has no such DLL, so this one forwards to RtlGenRandom
 * (advapi32's SystemFunction036), the older system random source Wine does have.
 *
 * Built by scripts/emulators.mjs with `zig cc -target x86_64-windows-gnu -shared`.
 */
#include <windows.h>

typedef BOOLEAN(WINAPI *RtlGenRandomFn)(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    static RtlGenRandomFn generate = NULL;
    if (generate == NULL) {
        HMODULE advapi = LoadLibraryA("advapi32.dll");
        if (advapi == NULL) return FALSE;
        generate = (RtlGenRandomFn)GetProcAddress(advapi, "SystemFunction036");
        if (generate == NULL) return FALSE;
    }
    while (length > 0) {
        ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!generate(data, chunk)) return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
