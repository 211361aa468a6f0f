/* cam-root-plan.h: the parent's plan of the child's own root
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "cam-process-private.h"

G_BEGIN_DECLS

typedef struct _CamRootPlan CamRootPlan;

CamRootPlan     *cam_root_plan_new           (const CamSpawnBind  *binds,
                                              gsize                n_binds,
                                              const char          *path,
                                              const char          *cwd,
                                              GError             **error);
const CamRootOp *cam_root_plan_get_ops       (CamRootPlan         *plan,
                                              gsize               *ret_n_ops);
const char      *cam_root_plan_get_exec_path (CamRootPlan         *plan);
const char      *cam_root_plan_get_cwd       (CamRootPlan         *plan);
void             cam_root_plan_free          (CamRootPlan         *plan);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CamRootPlan, cam_root_plan_free)

G_END_DECLS
