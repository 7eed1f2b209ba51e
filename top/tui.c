// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tui: vhv-top's interactive view, the only file that uses curses (htop's
 * CRT.c rule). It owns initscr/endwin, the signal handlers and the terminal
 * restore: on a normal exit, on SIGINT/SIGTERM/SIGHUP/SIGQUIT (a clean quit)
 * and on fatal signals (endwin, then the default action so a core is still
 * dumped). Resizes arrive as KEY_RESIZE (ncurses' SIGWINCH handler) and only
 * trigger a redraw from the current size.
 */
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>

#include "hvcore/hv-util.h"
#include "hvcore/hv-xen.h"
#include "top/top.h"

static volatile sig_atomic_t quit_requested;
static bool curses_on;

static void restore_terminal(void)
{
	if (curses_on) {
		curses_on = false;
		curs_set(1);
		endwin();
	}
}

static void on_quit_signal(int sig)
{
	quit_requested = sig;
}

/*
 * getch() says ERR on a timeout, but also at once and forever when the terminal
 * is gone (its pty closed, SIGHUP ignored by whoever started us): quit then,
 * rather than spin.
 */
static bool input_gone(void)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };

	if (quit_requested)
		return true;
	if (poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR | POLLNVAL))) {
		quit_requested = SIGHUP;
		return true;
	}
	return false;
}

static void on_fatal_signal(int sig)
{
	/* Not async-signal-safe in theory; htop does the same: a usable terminal matters more. */
	restore_terminal();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_signals(void)
{
	static const int quit_sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	static const int fatal_sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_quit_signal;
	for (size_t i = 0; i < HV_ARRAY_SIZE(quit_sigs); i++)
		sigaction(quit_sigs[i], &sa, NULL);
	sa.sa_handler = on_fatal_signal;
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < HV_ARRAY_SIZE(fatal_sigs); i++)
		sigaction(fatal_sigs[i], &sa, NULL);
}

struct tui {
	struct top_sampler *smp;
	const struct hv_root *root;
	struct top_view *view;
	const struct top_tui_opts *o;
	struct top_row *rows;
	size_t nrows;
	size_t sel, top;      /* selected row, first row shown */
	int sel_pid, sel_vcpu; /* identity of the selection across refreshes (-2: VM row) */
	char status[256];
	uint64_t status_until; /* keep the status line this long (monotonic ns) */
	bool bpf_ok;
};

static void set_status(struct tui *t, const char *fmt, ...) HV_PRINTF(2, 3);
static void set_status(struct tui *t, const char *fmt, ...)
{
	char raw[sizeof(t->status)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	hv_esc_buf(raw, t->status, sizeof(t->status));   /* it may quote a VM's name */
	t->status_until = hv_now_ns() + 5000000000ull;
}

/* A VM's identity across refreshes: its pid, or a Xen domain's id. */
static int vm_key(const struct top_vm *vm)
{
	return vm->xen ? (int)vm->domid : vm->pid;
}

static void rebuild_rows(struct tui *t)
{
	free(t->rows);
	t->rows = NULL;
	t->nrows = 0;
	if (top_view_rows(t->view, top_sampler_snap(t->smp), &t->rows, &t->nrows) < 0)
		return;
	/* keep the selection on the same VM / vCPU */
	for (size_t i = 0; i < t->nrows; i++) {
		const struct top_row *r = &t->rows[i];

		if (vm_key(r->vm) == t->sel_pid &&
		    (r->is_vm ? t->sel_vcpu == -2 : r->task->vcpu == t->sel_vcpu)) {
			t->sel = i;
			return;
		}
	}
	if (t->sel >= t->nrows)
		t->sel = t->nrows ? t->nrows - 1 : 0;
}

static void remember_sel(struct tui *t)
{
	if (t->sel < t->nrows) {
		t->sel_pid = vm_key(t->rows[t->sel].vm);
		t->sel_vcpu = t->rows[t->sel].is_vm ? -2 : t->rows[t->sel].task->vcpu;
	}
}

static void put_row(struct tui *t, int y, const struct top_row *r, int width, bool pad)
{
	char line[1024], cell[256];
	size_t o = 0;

	for (size_t c = 0; c < t->view->ncols && o < sizeof(line) - 1; c++) {
		const struct top_col_info *ci = top_col_info(t->view->cols[c]);
		const char *txt = r ? top_col_format(t->view->cols[c], r, t->view->tree, cell,
						     sizeof(cell)) : ci->label;
		bool last = c + 1 == t->view->ncols;
		int n;

		if (ci->flags & TOP_COL_RIGHT)
			n = snprintf(line + o, sizeof(line) - o, "%*s%s", ci->width, txt, last ? "" : " ");
		else if (last)
			n = snprintf(line + o, sizeof(line) - o, "%s", txt);
		else
			n = snprintf(line + o, sizeof(line) - o, "%-*s ", ci->width, txt);
		if (n < 0)
			break;
		o = HV_MIN(o + (size_t)n, sizeof(line) - 1);
	}
	/* pad (for reverse video) in the buffer: a full-width write moves the cursor to the next line */
	while (pad && o < (size_t)width && o < sizeof(line) - 1)
		line[o++] = ' ';
	line[o] = '\0';
	move(y, 0);
	clrtoeol();
	mvaddnstr(y, 0, line, width);
}

static void draw(struct tui *t)
{
	const struct top_snap *snap = top_sampler_snap(t->smp);
	int h, w, body;
	size_t nvcpu = 0;
	char buf[512];
	time_t now = time(NULL);
	struct tm tm;

	getmaxyx(stdscr, h, w);
	erase();
	if (h < 5 || w < 20) {
		mvaddstr(0, 0, "terminal too small");
		refresh();
		return;
	}
	for (size_t i = 0; i < snap->nvms; i++)
		nvcpu += snap->vms[i].nvcpus;
	localtime_r(&now, &tm);
	snprintf(buf, sizeof(buf), "vhv-top - %02d:%02d:%02d  %zu %s, %zu vCPUs  every %.1fs  sort: %s%s  %s%s%s",
		 tm.tm_hour, tm.tm_min, tm.tm_sec, snap->nvms,
		 t->view->hv == TOP_HV_XEN ? (snap->nvms == 1 ? "domain" : "domains") :
					     (snap->nvms == 1 ? "VM" : "VMs"), nvcpu, t->o->delay,
		 top_col_info(t->view->sort)->label, t->view->reverse ? " (rev)" : "",
		 t->view->tree ? "tree" : "flat", t->view->filter[0] ? "  filter: " : "",
		 t->view->filter);
	mvaddnstr(0, 0, buf, w);
	if (t->status[0])
		snprintf(buf, sizeof(buf), "%s", t->status);
	else if (t->o->host_note)
		snprintf(buf, sizeof(buf), "%s", t->o->host_note);
	else if (t->o->bpf_note && !t->bpf_ok)
		snprintf(buf, sizeof(buf), "EXITS/s hidden: %s", t->o->bpf_note);
	else if (top_sampler_notes(t->smp)[0])
		snprintf(buf, sizeof(buf), "%s", top_sampler_notes(t->smp)[0]);
	else
		buf[0] = '\0';
	mvaddnstr(1, 0, buf, w);
	attron(A_REVERSE);
	put_row(t, 2, NULL, w, true);
	attroff(A_REVERSE);
	body = h - 4;
	if (t->sel < t->top)
		t->top = t->sel;
	if (t->sel >= t->top + (size_t)body)
		t->top = t->sel - (size_t)body + 1;
	for (int i = 0; i < body && t->top + (size_t)i < t->nrows; i++) {
		size_t ri = t->top + (size_t)i;
		bool sel = ri == t->sel;

		if (sel)
			attron(A_REVERSE);
		else if (t->rows[ri].is_vm)
			attron(A_BOLD);
		put_row(t, 3 + i, &t->rows[ri], w, sel);
		attroff(A_REVERSE | A_BOLD);
	}
	if (!t->nrows)
		mvaddnstr(4, 2, snap->nvms ? "(no VM matches the filter)" : "(no VMs found)", w - 2);
	mvaddnstr(h - 1, 0, t->view->hv == TOP_HV_XEN ?
		  "q quit  ? help  t tree  </> s sort  R rev  / filter  C columns  a pin  p pause" :
		  "q quit  ? help  t tree  </> s sort  R rev  / filter  C columns  "
		  "n nice  a pin  k signal", w);
	refresh();
}

/* Read a line at the bottom. true with @out filled on Enter, false on Esc. */
static bool prompt(const char *qraw, char *out, size_t len)
{
	char question[512];
	int h, w, ch;
	size_t n = 0;

	hv_esc_buf(qraw, question, sizeof(question));   /* it may quote a VM's name */

	getmaxyx(stdscr, h, w);
	out[0] = '\0';
	timeout(-1);
	curs_set(1);
	for (;;) {
		move(h - 1, 0);
		clrtoeol();
		attron(A_BOLD);
		mvaddnstr(h - 1, 0, question, w);
		attroff(A_BOLD);
		addnstr(out, w - (int)strlen(question) - 1);
		refresh();
		ch = getch();
		if (ch == ERR && input_gone()) {
			curs_set(0);
			return false;
		}
		if (ch == '\n' || ch == '\r' || ch == KEY_ENTER)
			break;
		if (ch == 27) {
			curs_set(0);
			return false;
		}
		if (ch == KEY_RESIZE) {
			getmaxyx(stdscr, h, w);
			continue;
		}
		if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && n > 0)
			out[--n] = '\0';
		else if (ch >= 32 && ch < 127 && n + 1 < len) {
			out[n++] = (char)ch;
			out[n] = '\0';
		}
	}
	curs_set(0);
	return true;
}

static bool confirm(const char *question)
{
	char ans[8];

	return prompt(question, ans, sizeof(ans)) && (ans[0] == 'y' || ans[0] == 'Y');
}

static void describe(const struct top_row *r, char *buf, size_t len)
{
	if (r->vm->xen && r->is_vm)
		snprintf(buf, len, "domain %s (id %u, all vCPUs)", r->vm->name, r->vm->domid);
	else if (r->vm->xen)
		snprintf(buf, len, "vCPU %d of domain %s (id %u)", r->task->vcpu, r->vm->name,
			 r->vm->domid);
	else if (r->is_vm)
		snprintf(buf, len, "VM %s (pid %d, all threads)", r->vm->name, r->vm->pid);
	else
		snprintf(buf, len, "vCPU %d of %s (tid %d)", r->task->vcpu, r->vm->name, r->task->tid);
}

/* On Xen: pin (hard affinity) and pause/unpause, hypercalls through hv-xen. */
static void xen_action(struct tui *t, const struct top_row *r, int key, const char *what)
{
	char q[400], arg[64];
	bool pause;
	int rc;

	if (key == 'a') {
		if (!prompt("Hard affinity, CPU list (e.g. 0-3,6, or all): ", arg, sizeof(arg)) ||
		    !arg[0])
			return;
		snprintf(q, sizeof(q), "Pin %s to pCPUs %s? [y/N] ", what, arg);
		if (!confirm(q)) {
			set_status(t, "pin cancelled");
			return;
		}
		rc = top_act_xen_pin(t->root, r, arg);
		if (rc < 0)
			set_status(t, "pin failed: %s", rc == -EINVAL ? "invalid CPU list" :
				   strerror(-rc));
		else
			set_status(t, "pinned %s to pCPUs %s", what, arg);
	} else if (key == 'p') {
		pause = !(r->vm->xstate & HV_XEN_PAUSED);
		snprintf(q, sizeof(q), "%s domain %s (id %u)? [y/N] ", pause ? "Pause" : "Unpause",
			 r->vm->name, r->vm->domid);
		if (!confirm(q)) {
			set_status(t, "%s cancelled", pause ? "pause" : "unpause");
			return;
		}
		rc = top_act_xen_pause(t->root, r, pause);
		if (rc < 0)
			set_status(t, "%s failed: %s", pause ? "pause" : "unpause",
				   rc == -EPERM && r->vm->domid == 0 ? "Domain-0 is not paused" :
				   strerror(-rc));
		else
			set_status(t, "%s domain %s", pause ? "paused" : "unpaused", r->vm->name);
	} else {
		set_status(t, "%s does not apply to Xen domains (a: pin, p: pause/unpause)",
			   key == 'n' ? "renice" : "a signal");
	}
}

static void action(struct tui *t, int key)
{
	const struct top_row *r;
	char what[200], q[400], arg[64];
	int rc, v;

	if (t->sel >= t->nrows)
		return;
	r = &t->rows[t->sel];
	describe(r, what, sizeof(what));
	if (!hv_root_is_live(t->root)) {
		set_status(t, "actions need the live host (this is a --sysroot tree)");
		return;
	}
	if (r->vm->xen) {
		xen_action(t, r, key, what);
		return;
	}
	if (key == 'p') {
		set_status(t, "p pauses Xen domains; to stop a KVM VM's process, k sends STOP");
		return;
	}
	if (key == 'n') {
		char *end;

		if (!prompt("Nice value (-20..19): ", arg, sizeof(arg)) || !arg[0])
			return;
		v = (int)strtol(arg, &end, 10);
		if (*end || v < -20 || v > 19) {
			set_status(t, "invalid nice value '%s'", arg);
			return;
		}
		snprintf(q, sizeof(q), "Renice %s to %d? [y/N] ", what, v);
		if (!confirm(q)) {
			set_status(t, "renice cancelled");
			return;
		}
		rc = top_act_renice(t->root, r, v);
		if (rc < 0)
			set_status(t, "renice failed: %s", strerror(-rc));
		else
			set_status(t, "reniced %s to %d", what, v);
	} else if (key == 'a') {
		if (!prompt("CPU list (e.g. 0-3,6): ", arg, sizeof(arg)) || !arg[0])
			return;
		snprintf(q, sizeof(q), "Pin %s to CPUs %s? [y/N] ", what, arg);
		if (!confirm(q)) {
			set_status(t, "pin cancelled");
			return;
		}
		rc = top_act_pin(t->root, r, arg);
		if (rc < 0)
			set_status(t, "pin failed: %s", strerror(-rc));
		else
			set_status(t, "pinned %s to CPUs %s", what, arg);
	} else if (key == 'k') {
		if (!prompt("Signal (TERM, KILL, STOP, CONT, number): ", arg, sizeof(arg)) || !arg[0])
			return;
		v = top_signal_parse(arg);
		if (v < 0) {
			set_status(t, "unknown signal '%s'", arg);
			return;
		}
		snprintf(q, sizeof(q), "Send signal %d (%s) to %s? [y/N] ", v, strsignal(v), what);
		if (!confirm(q)) {
			set_status(t, "signal cancelled");
			return;
		}
		rc = top_act_signal(t->root, r, v);
		if (rc < 0)
			set_status(t, "signal failed: %s", strerror(-rc));
		else
			set_status(t, "sent signal %d to %s", v, what);
	}
}

static const char *const help_xen[] = {
	"vhv-top on a Xen dom0: the domains and their vCPUs, from the hypervisor",
	"",
	"  Up/Down PgUp/PgDn Home/End   select a domain or vCPU row",
	"  t            tree (domain -> vCPUs) or flat (vCPUs only) view",
	"  < >          sort on the previous / next shown column",
	"  s            sort on a column by name (any column, shown or not)",
	"  R            reverse the sort order",
	"  /            filter on the domain name (empty: all)",
	"  C            column chooser (space shows/hides, q returns)",
	"  a            pin: set the hard affinity of the vCPU, or of every vCPU of",
	"               the domain (as xl vcpu-pin)",
	"  p            pause or unpause the domain (as xl pause / xl unpause)",
	"  space        refresh now",
	"  q            quit",
	"",
	"Every action asks for confirmation and is a hypercall through libxenctrl.",
	"%CPU is the hypervisor's CPU time accounting (as xentop). Domain-0 is not",
	"paused from here. Renice and signals do not apply to domains.",
	"",
	"Press any key to return.",
};

static const char *const help_text[] = {
	"vhv-top: the VMs on this host and their vCPU threads",
	"",
	"  Up/Down PgUp/PgDn Home/End   select a VM or vCPU row",
	"  t            tree (VM -> vCPUs) or flat (vCPUs only) view",
	"  < >          sort on the previous / next shown column",
	"  s            sort on a column by name (any column, shown or not)",
	"  R            reverse the sort order",
	"  /            filter on the VM name (empty: all)",
	"  C            column chooser (space shows/hides, q returns)",
	"  n            renice the selected vCPU thread, or every thread of the VM",
	"  a            set the CPU affinity (pin) of the selection",
	"  k            send a signal to the VM process or the vCPU thread",
	"  space        refresh now",
	"  q            quit",
	"",
	"Every action asks for confirmation and uses syscalls (setpriority,",
	"sched_setaffinity, kill/tgkill). %WAIT is schedstat run_delay: time",
	"runnable but not running, the host side of steal time. Formulas: vhv-top(8).",
	"",
	"Press any key to return.",
};

static void show_help(enum top_hv hv)
{
	const char *const *text = hv == TOP_HV_XEN ? help_xen : help_text;
	size_t n = hv == TOP_HV_XEN ? HV_ARRAY_SIZE(help_xen) : HV_ARRAY_SIZE(help_text);

	erase();
	for (size_t i = 0; i < n; i++)
		mvaddstr((int)i, 0, text[i]);
	refresh();
	timeout(-1);
	for (;;) {
		int ch = getch();

		if (ch != KEY_RESIZE && (ch != ERR || input_gone()))
			break;
	}
}

static void column_chooser(struct tui *t)
{
	unsigned on = t->view->hv == TOP_HV_XEN ? TOP_COL_XEN : TOP_COL_KVM;
	int ids[TOP_COL_COUNT], nids = 0, cur = 0, ch;

	/* the columns of this hypervisor, in table order */
	for (int i = 0; i < TOP_COL_COUNT; i++)
		if (top_col_info(i)->flags & on)
			ids[nids++] = i;
	timeout(-1);
	for (;;) {
		int h = getmaxy(stdscr), id;

		erase();
		mvaddstr(0, 0, "Columns: Up/Down move, space shows/hides, q returns");
		for (int i = 0; i < nids && i + 2 < h; i++) {
			const struct top_col_info *ci = top_col_info(ids[i]);
			char line[200];

			snprintf(line, sizeof(line), "[%c] %-9s %-13s %s",
				 top_view_has(t->view, ids[i]) ? 'x' : ' ', ci->label, ci->id,
				 ci->help);
			if (i == cur)
				attron(A_REVERSE);
			mvaddstr(i + 2, 0, line);
			attroff(A_REVERSE);
		}
		refresh();
		ch = getch();
		if (ch == 'q' || ch == 27 || ch == 'C' || (ch == ERR && input_gone()))
			break;
		id = ids[cur];
		if ((ch == KEY_UP || ch == 'k') && cur > 0)
			cur--;
		else if ((ch == KEY_DOWN || ch == 'j') && cur + 1 < nids)
			cur++;
		else if (ch == ' ') {
			if (top_view_has(t->view, id)) {
				if (t->view->ncols > 1)
					top_view_hide(t->view, id);
			} else if (id == TOP_COL_EXITS && !t->bpf_ok) {
				set_status(t, "EXITS/s unavailable: %s",
					   t->o->bpf_note ? t->o->bpf_note : "no BPF");
			} else {
				/* insert in table order, so NAME stays last */
				size_t pos = 0;

				while (pos < t->view->ncols && t->view->cols[pos] < (enum top_col_id)id)
					pos++;
				memmove(&t->view->cols[pos + 1], &t->view->cols[pos],
					(t->view->ncols - pos) * sizeof(t->view->cols[0]));
				t->view->cols[pos] = id;
				t->view->ncols++;
			}
		}
	}
	top_sampler_set_needs(t->smp, top_view_needs(t->view));
}

static void cycle_sort(struct tui *t, int dir)
{
	size_t i;

	for (i = 0; i < t->view->ncols; i++)
		if (t->view->cols[i] == t->view->sort)
			break;
	if (i == t->view->ncols)
		i = 0;
	else
		i = (i + t->view->ncols + (size_t)(dir > 0 ? 1 : t->view->ncols - 1)) % t->view->ncols;
	t->view->sort = t->view->cols[i];
	top_sampler_set_needs(t->smp, top_view_needs(t->view));
}

int top_tui_run(struct top_sampler *s, const struct hv_root *root, struct top_view *v,
		const struct top_tui_opts *o)
{
	struct tui t = { .smp = s, .root = root, .view = v, .o = o, .sel_pid = -1 };
	uint64_t next;
	int rc, ticks = 0;

	t.bpf_ok = top_sampler_has_exits(s);
	rc = top_sampler_tick(s, root);  /* baseline */
	if (rc < 0)
		return rc;
	install_signals();
	atexit(restore_terminal);
	if (!initscr())
		return -ENOTTY;
	curses_on = true;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	/* Show the baseline at once (no rates yet), and the first rates soon after. */
	rebuild_rows(&t);
	draw(&t);
	next = hv_now_ns() + (uint64_t)(HV_MIN(o->delay, 0.5) * 1e9);
	while (!quit_requested) {
		uint64_t now = hv_now_ns();
		int ch;

		if (now >= next) {
			rc = top_sampler_tick(s, root);
			if (rc < 0)
				break;
			next = now + (uint64_t)(o->delay * 1e9);
			rebuild_rows(&t);
			if (o->iterations && ++ticks > o->iterations)
				break;
			if (now > t.status_until)
				t.status[0] = '\0';
			draw(&t);
			continue;
		}
		timeout((int)HV_MIN((next - now) / 1000000 + 1, 1000));
		ch = getch();
		if (ch == ERR) {
			input_gone();  /* the loop ends when the terminal is gone */
			continue;
		}
		switch (ch) {
		case 'q':
		case 'Q':
			quit_requested = 1;
			break;
		case KEY_RESIZE:
			break;
		case KEY_UP:
			if (t.sel > 0)
				t.sel--;
			break;
		case KEY_DOWN:
			if (t.sel + 1 < t.nrows)
				t.sel++;
			break;
		case KEY_PPAGE:
			t.sel = t.sel > 10 ? t.sel - 10 : 0;
			break;
		case KEY_NPAGE:
			t.sel = t.nrows ? HV_MIN(t.sel + 10, t.nrows - 1) : 0;
			break;
		case KEY_HOME:
			t.sel = 0;
			break;
		case KEY_END:
			t.sel = t.nrows ? t.nrows - 1 : 0;
			break;
		case 't':
			v->tree = !v->tree;
			break;
		case '<':
		case '>':
			cycle_sort(&t, ch == '>' ? 1 : -1);
			break;
		case 'R':
			v->reverse = !v->reverse;
			break;
		case 's': {
			char col[32];
			int id;

			if (!prompt("Sort on column (id or header): ", col, sizeof(col)) || !col[0])
				break;
			id = top_col_parse(col);
			if (id < 0 || (id == TOP_COL_EXITS && !t.bpf_ok)) {
				set_status(&t, "cannot sort on '%s'", col);
				break;
			}
			v->sort = id;
			top_sampler_set_needs(s, top_view_needs(v));
			break;
		}
		case '/':
			remember_sel(&t);
			if (prompt("Filter (VM name): ", v->filter, sizeof(v->filter)))
				set_status(&t, v->filter[0] ? "filter: %s" : "filter cleared", v->filter);
			break;
		case '?':
		case 'h':
			show_help(v->hv);
			break;
		case 'C':
			column_chooser(&t);
			break;
		case 'n':
		case 'a':
		case 'k':
		case 'p':
			remember_sel(&t);
			action(&t, ch);
			next = 0;  /* show the effect now */
			break;
		case ' ':
			next = 0;
			break;
		default:
			break;
		}
		if (ch != ERR && ch != '/' && ch != 'n' && ch != 'a' && ch != 'k' && ch != 'p')
			remember_sel(&t);
		rebuild_rows(&t);
		draw(&t);
	}
	restore_terminal();
	free(t.rows);
	return rc < 0 ? rc : 0;
}
