// Filled in by the lkp-store work: see store_server.h.
