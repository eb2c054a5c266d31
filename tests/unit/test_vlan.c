/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of port VLAN modes (include/vsw/vlan.h): admission, classification and egress
 * tagging for access, trunk, native and priority-tagged frames. No EAL.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "vsw/vlan.h"

#include <cmocka.h>

static void
test_access_admits_untagged_and_priority_tagged_only(void **state)
{
	struct vsw_vlan_cfg c;

	(void)state;
	vsw_vlan_cfg_access(&c, 10);
	assert_int_equal(vsw_vlan_ingress(&c, false, 0), 10);
	assert_int_equal(vsw_vlan_ingress(&c, true, 0), 10);
	assert_int_equal(vsw_vlan_ingress(&c, true, 10), VSW_VLAN_NONE);
	assert_int_equal(vsw_vlan_ingress(&c, true, 20), VSW_VLAN_NONE);
}

static void
test_access_egress_only_its_vlan_untagged(void **state)
{
	struct vsw_vlan_cfg c;

	(void)state;
	vsw_vlan_cfg_access(&c, 10);
	assert_int_equal(vsw_vlan_egress(&c, 10), VSW_VLAN_EGRESS_UNTAGGED);
	assert_int_equal(vsw_vlan_egress(&c, 20), VSW_VLAN_EGRESS_DROP);
	assert_int_equal(vsw_vlan_egress(&c, 0), VSW_VLAN_EGRESS_DROP);
}

static void
test_default_access_is_the_untagged_domain(void **state)
{
	struct vsw_vlan_cfg c;

	(void)state;
	vsw_vlan_cfg_access(&c, 0);
	assert_int_equal(vsw_vlan_ingress(&c, false, 0), 0);
	assert_int_equal(vsw_vlan_ingress(&c, true, 7), VSW_VLAN_NONE);
	assert_int_equal(vsw_vlan_egress(&c, 0), VSW_VLAN_EGRESS_UNTAGGED);
	assert_int_equal(vsw_vlan_egress(&c, 7), VSW_VLAN_EGRESS_DROP);
}

static void
test_trunk_admits_allowed_vlans_only(void **state)
{
	struct vsw_vlan_cfg c;

	(void)state;
	vsw_vlan_cfg_trunk(&c, 0);
	assert_int_equal(vsw_vlan_cfg_allow(&c, 10), 0);
	assert_int_equal(vsw_vlan_cfg_allow(&c, 20), 0);
	assert_int_equal(vsw_vlan_ingress(&c, true, 10), 10);
	assert_int_equal(vsw_vlan_ingress(&c, true, 20), 20);
	assert_int_equal(vsw_vlan_ingress(&c, true, 30), VSW_VLAN_NONE);
	assert_int_equal(vsw_vlan_egress(&c, 10), VSW_VLAN_EGRESS_TAGGED);
	assert_int_equal(vsw_vlan_egress(&c, 30), VSW_VLAN_EGRESS_DROP);
}

static void
test_trunk_native_vlan_is_untagged_both_ways(void **state)
{
	struct vsw_vlan_cfg c;

	(void)state;
	vsw_vlan_cfg_trunk(&c, 1);
	assert_int_equal(vsw_vlan_cfg_allow(&c, 10), 0);
	assert_int_equal(vsw_vlan_ingress(&c, false, 0), 1);
	assert_int_equal(vsw_vlan_ingress(&c, true, 0), 1); /* priority-tagged */
	assert_int_equal(vsw_vlan_egress(&c, 1), VSW_VLAN_EGRESS_UNTAGGED);
	assert_int_equal(vsw_vlan_egress(&c, 10), VSW_VLAN_EGRESS_TAGGED);
	/* The untagged domain does not leak onto a trunk whose native VLAN is another. */
	assert_int_equal(vsw_vlan_egress(&c, 0), VSW_VLAN_EGRESS_DROP);
}

static void
test_trunk_all_carries_every_vlan(void **state)
{
	struct vsw_vlan_cfg c;

	(void)state;
	vsw_vlan_cfg_trunk_all(&c);
	for (uint16_t id = 1; id <= VSW_VLAN_ID_MAX; id++) {
		assert_int_equal(vsw_vlan_ingress(&c, true, id), id);
		assert_int_equal(vsw_vlan_egress(&c, id), VSW_VLAN_EGRESS_TAGGED);
	}
	assert_int_equal(vsw_vlan_ingress(&c, false, 0), 0);
	assert_int_equal(vsw_vlan_egress(&c, 0), VSW_VLAN_EGRESS_UNTAGGED);
	assert_int_equal(vsw_vlan_ingress(&c, true, 4095), VSW_VLAN_NONE);
}

static void
test_allow_refuses_reserved_ids(void **state)
{
	struct vsw_vlan_cfg c;

	(void)state;
	vsw_vlan_cfg_trunk(&c, 0);
	assert_int_equal(vsw_vlan_cfg_allow(&c, 0), -EINVAL);
	assert_int_equal(vsw_vlan_cfg_allow(&c, 4095), -EINVAL);
	assert_int_equal(vsw_vlan_cfg_allow(&c, 4094), 0);
	assert_false(vsw_vlan_is_allowed(&c, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_access_admits_untagged_and_priority_tagged_only),
	        cmocka_unit_test(test_access_egress_only_its_vlan_untagged),
	        cmocka_unit_test(test_default_access_is_the_untagged_domain),
	        cmocka_unit_test(test_trunk_admits_allowed_vlans_only),
	        cmocka_unit_test(test_trunk_native_vlan_is_untagged_both_ways),
	        cmocka_unit_test(test_trunk_all_carries_every_vlan),
	        cmocka_unit_test(test_allow_refuses_reserved_ids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
