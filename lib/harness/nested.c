// SPDX-License-Identifier: GPL-2.0
/* A nest parent and its children (nested.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "harness/env.h"
#include "harness/nested.h"
#include "harness/rules.h"
#include "profile/profile.h"
#include "uapi/hwpt_data.h"
#include "uapi/iommufd.h"
#include "uapi/mock.h"
#include "uapi/viommu.h"

int iod_nested_viommu_type(uint32_t *type, char *why, size_t wl)
{
	const char *data = iod_rule("nested.child_data", "none");

	if (!strcmp(data, "selftest")) {
		*type = IOMMU_VIOMMU_TYPE_SELFTEST;
		return 0;
	}
	if (!strcmp(data, "arm_smmuv3")) {
		*type = IOMMU_VIOMMU_TYPE_ARM_SMMUV3;
		return 0;
	}
	snprintf(why, wl, "profile %s says nested.child_data = %s: no vIOMMU type goes with that data",
		 iod_profile_path(iod_env.profile), data);
	return -EOPNOTSUPP;
}

/* Children through a vIOMMU: the kernel has it and the data has a type. */
static int viommu_path_supported(const char *prof, char *why, size_t wl)
{
	uint32_t type;

	if (!iod_rule_is("nested.viommu", "present")) {
		snprintf(why, wl, "profile %s says nested.path = viommu but nested.viommu = %s on this kernel: no IOMMU_VIOMMU_ALLOC to build children on",
			 prof, iod_rule("nested.viommu", "unset"));
		return -EOPNOTSUPP;
	}
	if (iod_rule_is("nested.child_data", "arm_smmuv3")) {
		snprintf(why, wl, "profile %s says nested.child_data = arm_smmuv3: the library builds no IOMMU_HWPT_DATA_ARM_SMMUV3 child (a stage-1 STE and its context descriptors)",
			 prof);
		return -EOPNOTSUPP;
	}
	return iod_nested_viommu_type(&type, why, wl);
}

int iod_nested_supported(char *why, size_t wl)
{
	const char *path = iod_rule("nested.path", NULL);
	const char *data = iod_rule("nested.child_data", NULL);
	const char *prof = iod_profile_path(iod_env.profile);

	if (!path) {
		snprintf(why, wl, "profile %s does not state nested.path",
			 prof);
		return -EOPNOTSUPP;
	}
	if (!strcmp(path, "none")) {
		snprintf(why, wl, "profile %s says nested.path = none: this IOMMU and kernel build no nested HWPT",
			 prof);
		return -EOPNOTSUPP;
	}
	if (!data || !strcmp(data, "none")) {
		snprintf(why, wl, "profile %s names no nested.child_data for this IOMMU",
			 prof);
		return -EOPNOTSUPP;
	}
	if (!strcmp(path, "viommu"))
		return viommu_path_supported(prof, why, wl);
	return 0;
}

int iod_nested_viommu_alloc(struct iod_nested *n)
{
	char why[160];
	uint32_t type;
	int rc = iod_nested_viommu_type(&type, why, sizeof(why));

	if (rc)
		return rc;
	return iod_viommu_alloc(n->t->fd, n->t->dev_id, n->parent, type,
				&n->viommu);
}

int iod_nested_vdevice_alloc(struct iod_nested *n, uint32_t dev_id,
			     uint64_t virt_id, uint32_t *vdevice)
{
	uint32_t id = 0;
	int rc;

	if (n->nr_vdevices == IOD_NESTED_MAX_CHILDREN)
		return -ENOSPC;
	rc = iod_vdevice_alloc(n->t->fd, n->viommu,
			       dev_id ? dev_id : n->t->dev_id, virt_id, &id);
	if (rc)
		return rc;
	n->vdevices[n->nr_vdevices++] = id;
	if (vdevice)
		*vdevice = id;
	return 0;
}

/* nested.path = viommu: the vIOMMU on the new parent and the vDEVICE. */
static int parent_viommu(struct iod_nested *n)
{
	int rc;

	if (!iod_rule_is("nested.path", "viommu"))
		return 0;
	rc = iod_nested_viommu_alloc(n);
	if (!rc)
		rc = iod_nested_vdevice_alloc(n, 0, 0, NULL);
	if (rc) {
		if (n->viommu)
			iod_destroy(n->t->fd, n->viommu);
		iod_destroy(n->t->fd, n->parent);
		n->viommu = 0;
		n->parent = 0;
	}
	return rc;
}

int iod_nested_parent_alloc(struct iod_nested *n, struct iod_target *t,
			    uint32_t flags)
{
	int rc;

	memset(n, 0, sizeof(*n));
	n->s1.fd = -1;
	n->t = t;
	rc = iod_hwpt_alloc(t->fd, t->dev_id, t->ioas_id,
			    IOMMU_HWPT_ALLOC_NEST_PARENT | flags, &n->parent);
	return rc ? rc : parent_viommu(n);
}

int iod_nested_s1_map(struct iod_nested *n, uint64_t floor, uint64_t align,
		      uint64_t iova, uint64_t len, char *why, size_t wl)
{
	int rc;

	if (!iod_rule_is("nested.child_data", "vtd_s1"))
		return 0;
	if (!n->s1.used) {
		rc = iod_vtd_s1_init(&n->s1, n->t->fd, n->t->ioas_id, floor,
				     align, why, wl);
		if (rc)
			return rc;
	}
	return len ? iod_vtd_s1_map(&n->s1, iova, len, why, wl) : 0;
}

int iod_nested_child_data(struct iod_nested *n, struct iod_nested_data *d)
{
	char why[128];
	int rc;

	memset(d, 0, sizeof(*d));
	if (iod_rule_is("nested.child_data", "selftest")) {
		d->type = IOMMU_HWPT_DATA_SELFTEST;
		d->len = sizeof(struct iommu_hwpt_selftest);
		d->u.selftest_iotlb = IOMMU_TEST_IOTLB_DEFAULT;
		return 0;
	}
	if (iod_rule_is("nested.child_data", "vtd_s1")) {
		rc = iod_nested_s1_map(n, 0, IOD_VTD_S1_PAGE, 0, 0, why,
				       sizeof(why));
		if (rc)
			return rc;
		d->type = IOMMU_HWPT_DATA_VTD_S1;
		d->len = sizeof(d->u.vtd_s1);
		iod_vtd_s1_data(&n->s1, &d->u.vtd_s1);
		return 0;
	}
	return -EOPNOTSUPP;
}

struct iommu_hwpt_alloc iod_nested_child_cmd(const struct iod_nested *n,
					     struct iod_nested_data *d)
{
	return (struct iommu_hwpt_alloc){
		.size = sizeof(struct iommu_hwpt_alloc),
		.dev_id = n->t->dev_id,
		.pt_id = n->viommu ? n->viommu : n->parent,
		.data_type = d->type,
		.data_len = d->len,
		.data_uptr = (uintptr_t)&d->u,
	};
}

int iod_nested_child_alloc_data(struct iod_nested *n, uint32_t dev_id,
				uint32_t flags,
				const struct iod_nested_data *d,
				uint32_t *child)
{
	uint32_t id = 0;
	int rc;

	if (n->nr_children == IOD_NESTED_MAX_CHILDREN)
		return -ENOSPC;
	rc = iod_hwpt_alloc_data(n->t->fd, dev_id ? dev_id : n->t->dev_id,
				 n->viommu ? n->viommu : n->parent, flags,
				 d->type, &d->u, d->len, &id);
	if (rc)
		return rc;
	n->children[n->nr_children++] = id;
	if (child)
		*child = id;
	return 0;
}

int iod_nested_child_alloc(struct iod_nested *n, uint32_t dev_id,
			   uint32_t flags, uint32_t *child)
{
	struct iod_nested_data d;
	int rc;

	if (n->nr_children == IOD_NESTED_MAX_CHILDREN)
		return -ENOSPC;
	rc = iod_nested_child_data(n, &d);
	if (rc)
		return rc;
	return iod_nested_child_alloc_data(n, dev_id, flags, &d, child);
}

int iod_nested_child_destroy(struct iod_nested *n, uint32_t child)
{
	unsigned int i;
	int rc = iod_destroy(n->t->fd, child);

	if (rc)
		return rc;
	for (i = 0; i < n->nr_children; i++)
		if (n->children[i] == child) {
			n->children[i] = n->children[--n->nr_children];
			break;
		}
	return 0;
}

int iod_nested_parent_destroy(struct iod_nested *n)
{
	int rc = iod_destroy(n->t->fd, n->parent);

	if (!rc)
		n->parent = 0;
	return rc;
}

int iod_nested_bench(struct iod_nested *n, struct iod_dirty *d,
		     uint32_t flags, uint32_t *child, char *why, size_t wl)
{
	int rc = iod_nested_parent_alloc(n, &d->t, flags);

	if (rc) {
		snprintf(why, wl, "allocating the nest parent: %s",
			 iod_errno_name(-rc));
		return rc;
	}
	rc = iod_nested_s1_map(n, iod_bench_iova_floor(d, 0),
			       iod_bench_align(d), d->iova, d->len, why, wl);
	if (rc)
		return rc;
	rc = iod_nested_child_alloc(n, 0, 0, child);
	if (rc)
		snprintf(why, wl, "allocating the nested HWPT (%s): %s",
			 iod_rule("nested.child_data", "no child data"),
			 iod_errno_name(-rc));
	return rc;
}

int iod_nested_invalidate_all(struct iod_nested *n, uint32_t child)
{
	struct iommu_hwpt_invalidate_selftest st = {
		.flags = IOMMU_TEST_INVALIDATE_FLAG_ALL,
	};
	struct iommu_hwpt_vtd_s1_invalidate vtd = {
		.addr = 0, .npages = UINT64_MAX,
	};
	uint32_t num = 1;

	if (iod_rule_is("nested.child_data", "selftest"))
		return iod_hwpt_invalidate(n->t->fd, child,
					   IOMMU_HWPT_INVALIDATE_DATA_SELFTEST,
					   &st, sizeof(st), &num);
	if (iod_rule_is("nested.child_data", "vtd_s1"))
		return iod_hwpt_invalidate(n->t->fd, child,
					   IOMMU_HWPT_INVALIDATE_DATA_VTD_S1,
					   &vtd, sizeof(vtd), &num);
	return -EOPNOTSUPP;
}

static bool ours(const struct iod_nested *n, uint32_t id)
{
	unsigned int i;

	if (id && id == n->parent)
		return true;
	for (i = 0; i < n->nr_children; i++)
		if (id == n->children[i])
			return true;
	return false;
}

int iod_nested_attach(struct iod_nested *n, struct iod_target *t,
		      uint32_t id)
{
	int rc = iod_target_attach(t, id);

	if (!rc && id != n->parent && ours(n, id))
		t->parent_id = n->parent;
	return rc;
}

void iod_nested_teardown(struct iod_nested *n)
{
	if (!n->t)
		return;
	if (n->t->fd >= 0 && ours(n, n->t->pt_id))
		iod_target_detach(n->t);
	if (n->t->fd >= 0) {
		while (n->nr_children)
			iod_destroy(n->t->fd, n->children[--n->nr_children]);
		while (n->nr_vdevices)
			iod_destroy(n->t->fd, n->vdevices[--n->nr_vdevices]);
		if (n->viommu)
			iod_destroy(n->t->fd, n->viommu);
		if (n->parent)
			iod_destroy(n->t->fd, n->parent);
	}
	n->nr_children = 0;
	n->nr_vdevices = 0;
	n->viommu = 0;
	n->parent = 0;
	iod_vtd_s1_free(&n->s1);
	n->t = NULL;
}

void iod_nested_forget(struct iod_nested *n)
{
	n->nr_children = 0;
	n->nr_vdevices = 0;
	n->viommu = 0;
	n->parent = 0;
	n->s1.fd = -1;
	iod_vtd_s1_free(&n->s1);
	n->t = NULL;
}
