/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * vbpf: what every user of bpf/ shares (vhv-trace, vhv-top).
 */
#include <stdbool.h>

/* Was this build made with BPF support (not BPF=0)? */
bool vbpf_built(void);

/*
 * Drop every capability and set no_new_privs (libcap-ng + PR_SET_NO_NEW_PRIVS),
 * once programs are attached: reading maps and detaching need no privilege.
 * Returns 0, or -errno with a malloc'd sentence in *reason (caller frees; may be NULL).
 */
int vbpf_drop_privileges(char **reason);
