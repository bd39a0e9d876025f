/*
 * Forced into every ring-0 translation unit (-include). The image is
 * linked far above 4 GiB and compiled position-independent; hidden
 * visibility makes every reference a direct RIP-relative one (no GOT).
 */
#pragma GCC visibility push(hidden)
