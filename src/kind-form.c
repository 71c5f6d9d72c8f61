/*
 * kind-form.c -- "how do I apply?", "please send me the form": the
 * program's blank form goes back, with how to return it filled in.  The
 * form is the first of [program] forms, its blank copy the file
 * templates/form-NAME.txt; a reply in the thread of that mail is read as
 * that form (process.c).
 */
#include <glib.h>

#include "config.h"
#include "kind.h"
#include "log.h"
#include "mime.h"
#include "program.h"
#include "rules.h"
#include "template.h"

/* The blank form's text, or NULL with *cause set.  Caller frees. */
static char *
blank_form(const struct program *prog, char **cause)
{
	GError	*error = NULL;
	char	*path = program_form_path(prog), *text = NULL;

	if (path == NULL)
		cause_set(cause, "no form is in use");
	else if (!g_file_get_contents(path, &text, NULL, &error)) {
		cause_set(cause, "the blank form: %s", error->message);
		g_error_free(error);
	}
	g_free(path);
	return text;
}

static int
form_handle(struct inbound *in, char **cause)
{
	struct tvars	*vars;
	char		*form;
	int		 error;

	if (kind_record(in, "form_request", 0, cause) != 0)
		return -1;
	/* A coordinator asking has the file already. */
	if (program_is_coordinator(in->prog, in->r->from_addr))
		return 0;
	if ((form = blank_form(in->prog, cause)) == NULL)
		return -1;
	vars = kind_vars(in);
	tvars_set(vars, "subject", kind_bare_subject(in->msg->subject));
	tvars_set(vars, "form.title", rules_form_title(in->prog->rules,
	    rules_form_name(in->prog->rules, 0)));
	tvars_set(vars, "form", g_strchomp(form));
	error = kind_answer(in, "form-request", in->reply_addr, 0, vars,
	    cause);
	log_info("message %lld: a request for the form: %s", (long long)in->id,
	    error == 0 ? "the blank form is sent" : "failed");
	tvars_free(vars);
	g_free(form);
	return error;
}

const struct kind_entry kind_form_request_entry = {
	.name = "form_request",
	.handle = form_handle,
};
