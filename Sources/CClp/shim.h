// COIN-OR Clp's C interface (Debian: coinor-libclp-dev; include path from pkg-config's clp.pc).
#include <Clp_C_Interface.h>
