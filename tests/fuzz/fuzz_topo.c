/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness of the YAML topology loader (lib/topo, R-IF-2): any bytes as a topology
 * file. The loader must accept it whole or refuse it with "file:line:column: reason" and a
 * zeroed topology, never crash, read out of bounds or leak. An accepted file must load again
 * to the same topology (the loader keeps no state between files). Pure C with libyaml, no EAL.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_eal.h"
#include "vsw/topo.h"

/* Larger files are not more interesting to the parser, only slower. */
#define TOPO_SIZE_MAX (64 * 1024)

static struct vsw_topo topo, again, zero;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vsw_errmsg em = {0};
	int rc;

	if (size > TOPO_SIZE_MAX)
		return -1;
	memset(&topo, 0xa5, sizeof(topo)); /* a failed load must zero it, whatever it held */
	rc = vsw_topo_load_string("f.yaml", (const char *)data, size, &topo, &em);
	if (rc != 0) {
		FUZZ_CHECK(rc < 0, "load returned %d", rc);
		FUZZ_CHECK(strncmp(em.msg, "f.yaml:", 7) == 0, "refusal without a place: '%s'",
		           em.msg);
		FUZZ_CHECK(memcmp(&topo, &zero, sizeof(topo)) == 0, "refused topology not zeroed");
		return 0;
	}
	FUZZ_CHECK(vsw_topo_load_string("f.yaml", (const char *)data, size, &again, &em) == 0,
	           "second load refused: %s", em.msg);
	FUZZ_CHECK(memcmp(&topo, &again, sizeof(topo)) == 0, "two loads, two topologies");
	return 0;
}
