/* cam-seccomp-rules.h: the rules of the built-in seccomp filters
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "cam-seccomp.h"

G_BEGIN_DECLS

int cam_seccomp_rules_build (CamSeccompRules      rules,
                             struct sock_fprog  **ret_program);

G_END_DECLS
