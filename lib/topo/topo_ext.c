/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Topology parser, `extensions:` (include/vsw/topo.h): eBPF extensions loaded once the ports
 * exist. Each entry's port must be `all` or a port of the file (ports are parsed first). The
 * object itself is read when the topology is applied, not here: --check needs no EAL.
 * Control thread and tests; no DPDK.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "topo_yaml.h"

enum { EXT_NAME, EXT_FILE, EXT_SECTION, EXT_PORT, EXT_STAGE, EXT_POSITION, EXT_PARAMS, EXT_N };
static const char *const ext_keys[EXT_N] = {"name",  "file",     "section", "port",
                                            "stage", "position", "params"};

static int
ext_port(struct topo_parse *p, const yaml_node_t *node, struct vsw_topo_ext *ext)
{
	const char *s;
	int ret = topo_get_string(p, node, "port", &s);

	if (ret < 0)
		return ret;
	if (strcmp(s, "all") != 0) {
		unsigned int i;

		for (i = 0; i < p->topo->n_ports && strcmp(p->topo->ports[i].name, s) != 0; i++)
			;
		if (i == p->topo->n_ports)
			return topo_node_fail(
			        p, node, "unknown port '%s', expected a port's name or all", s);
	}
	memcpy(ext->port, s, strlen(s) + 1); /* a port name or "all": fits */
	return 0;
}

/* Integers up to 2^64-1, decimal or 0x-prefixed hexadecimal (ethertypes read better so). */
static int
ext_params(struct topo_parse *p, const yaml_node_t *node, struct vsw_topo_ext *ext)
{
	int ret = topo_expect(p, node, YAML_SEQUENCE_NODE, "params");

	if (ret < 0)
		return ret;
	if (topo_seq_len(node) > VSW_TOPO_EXT_PARAMS_MAX)
		return topo_node_fail(p, node, "%u params, expected at most %d", topo_seq_len(node),
		                      VSW_TOPO_EXT_PARAMS_MAX);
	for (unsigned int i = 0; i < topo_seq_len(node); i++) {
		const yaml_node_t *item = topo_seq_item(p, node, i);
		const char *s;
		char *end;

		ret = topo_get_string(p, item, "params", &s);
		if (ret < 0)
			return ret;
		errno = 0;
		ext->params[i] = strtoull(s, &end, 0);
		if (errno != 0 || end == s || *end != '\0' || s[0] == '-')
			return topo_node_fail(p, item, "invalid param '%s', expected an integer",
			                      s);
	}
	ext->n_params = topo_seq_len(node);
	return 0;
}

static int
ext_stage(struct topo_parse *p, const yaml_node_t *node, struct vsw_topo_ext *ext)
{
	const char *s;
	int ret = topo_get_string(p, node, "stage", &s);

	if (ret < 0)
		return ret;
	if (strcmp(s, "ingress") != 0 && strcmp(s, "egress") != 0)
		return topo_node_fail(p, node, "invalid stage '%s', expected ingress or egress", s);
	ext->is_egress = strcmp(s, "egress") == 0;
	return 0;
}

static int
parse_ext(struct topo_parse *p, const yaml_node_t *node, unsigned int idx)
{
	struct topo_map m = {.section = "",
	                     .names = ext_keys,
	                     .n_names = EXT_N,
	                     .required = 1u << EXT_NAME | 1u << EXT_FILE | 1u << EXT_PORT |
	                                 1u << EXT_STAGE};
	struct vsw_topo_ext *ext = &p->topo->exts[idx];
	unsigned long position;
	char field[32];
	int ret;

	(void)snprintf(field, sizeof(field), "extensions[%u]", idx);
	ret = topo_expect(p, node, YAML_MAPPING_NODE, field);
	if (ret < 0)
		return ret;
	topo_set_prefix(p, node, "", "extension", "extensions", idx);
	ext->mark = topo_node_mark(node);
	ext->position = -1;
	ret = topo_map_read(p, node, field, &m);
	if (ret == 0 && m.values[EXT_NAME] != NULL)
		ret = topo_get_name(p, m.values[EXT_NAME], "extension", ext->name);
	for (unsigned int i = 0; ret == 0 && i < idx; i++)
		if (strcmp(p->topo->exts[i].name, ext->name) == 0)
			ret = topo_node_fail(p, m.values[EXT_NAME],
			                     "duplicate extension name '%s', expected unique names",
			                     ext->name);
	if (ret == 0 && m.values[EXT_FILE] != NULL)
		ret = topo_copy_path(p, m.values[EXT_FILE], "file", ext->file);
	if (ret == 0 && m.values[EXT_SECTION] != NULL)
		ret = topo_copy_string(p, m.values[EXT_SECTION], "section", ext->section,
		                       sizeof(ext->section));
	if (ret == 0 && m.values[EXT_PORT] != NULL)
		ret = ext_port(p, m.values[EXT_PORT], ext);
	if (ret == 0 && m.values[EXT_STAGE] != NULL)
		ret = ext_stage(p, m.values[EXT_STAGE], ext);
	if (ret == 0 && m.values[EXT_POSITION] != NULL) {
		ret = topo_get_uint(p, m.values[EXT_POSITION], "position", 0, VSW_TOPO_EXTS_MAX * 4,
		                    &position);
		ext->position = (int)position;
	}
	if (ret == 0 && m.values[EXT_PARAMS] != NULL)
		ret = ext_params(p, m.values[EXT_PARAMS], ext);
	if (ret == 0)
		ret = topo_map_require(p, node, &m);
	return ret;
}

int
topo_parse_exts(struct topo_parse *p, const yaml_node_t *node)
{
	return topo_parse_list(p, node, "extensions", "extensions", VSW_TOPO_EXTS_MAX, parse_ext,
	                       &p->topo->n_exts);
}
