/* fuzz.h — what the libFuzzer targets share (`make fuzz`; see tests/fuzz/README.md). */
#ifndef MQ_FUZZ_H
#define MQ_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
