/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * cli-common: what every vhv-* entry point shares: the log handler, x*()
 * allocation wrappers that exit (util-linux/htop style; only cli/ and top/
 * may exit), output-format and colour options, opening the sysroot.
 */
#include <stdbool.h>
#include <stdio.h>

#include "hvcore/hv-root.h"
#include "hvcore/hv-util.h"

/* Exit codes shared by every command (qemu-img check's). */
enum {
	CLI_EXIT_OK = 0,
	CLI_EXIT_ERROR = 1,    /* could not run: usage, I/O, internal error */
	CLI_EXIT_FAIL = 2,     /* at least one FAIL (qcow2: corruptions) */
	CLI_EXIT_WARN = 3,     /* only WARNs (qcow2: leaks only) */
	CLI_EXIT_FORMAT = 63,  /* vhv-qcow2: not a supported format */
};

enum cli_output {
	CLI_OUTPUT_HUMAN,
	CLI_OUTPUT_JSON,
};

/*
 * Set the program name for messages, the locale, and install hv-log's
 * handler ("PROG: message" on stderr; "warning: " / debug prefixes).
 */
/*
 * Name the program after argv[0]'s last component, and make argv[0] that name
 * (getopt's messages then say "vhv-check: ...", not the path the front door ran).
 */
void cli_init(char **argv);
/* The program's name (borrowed), without any subcommand. */
const char *cli_prog(void);
/*
 * A subcommand runs (vhv-qcow2 verify): from now on messages and the usage
 * hint say "PROG SUB", and so does getopt (argv[0] of the subcommand's vector).
 */
void cli_subcommand(char **argv, const char *sub);
/* -v: one more level of log detail (INFO, then DEBUG). */
void cli_verbose(void);

/* Messages on stderr, prefixed with the program name. */
void cli_error(const char *fmt, ...) HV_PRINTF(1, 2);
void cli_warn(const char *fmt, ...) HV_PRINTF(1, 2);
/* Print an error and exit with CLI_EXIT_ERROR. */
__attribute__((noreturn)) void cli_die(const char *fmt, ...) HV_PRINTF(1, 2);
/* "Try 'PROG --help'" and exit 1. */
__attribute__((noreturn)) void cli_usage_error(const char *fmt, ...) HV_PRINTF(1, 2);
/* "Try 'PROG[ SUB] --help' for more information." on stderr. */
void cli_usage_hint(void);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) HV_PRINTF(1, 2);

/* "human" | "json"; exits with a usage error otherwise. */
enum cli_output cli_parse_output(const char *arg);
/* --color=auto|always|never for @fp; NO_COLOR always wins over auto. */
bool cli_parse_color(const char *when, FILE *fp);

/*
 * Width for human output: $COLUMNS when it holds a number from 40 to 1000
 * (as ls(1) honours it, terminal or not), else 80.
 */
int cli_columns(void);

/* Open the sysroot (NULL: the live host) or die with a clear message. */
struct hv_root *cli_open_root(const char *sysroot);

/* Split a comma-separated list into a NULL-terminated array (free with cli_free_list). */
char **cli_split_list(const char *s);
void cli_free_list(char **v);
