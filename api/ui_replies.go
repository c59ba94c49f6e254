package api

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"caseflow"
)

// cannedReply is a starting point for a reply, written to the SOP's tone:
// acknowledge, explain, say what happens next and when. The agent edits it
// before sending; {customer}, {number}, {subject}, {agent} and {company} are
// filled in from the case.
type cannedReply struct {
	ID, Title, Text string
}

var cannedReplies = []cannedReply{
	{"investigating", "We are looking into it", `Hello {customer},

Thank you for getting in touch about "{subject}". I am sorry for the trouble this has caused.

I have taken your case ({number}) and I am looking into it now. I will write to you again with an update as soon as I know more.

Kind regards,
{agent}
{company}`},
	{"need-details", "Ask for details", `Hello {customer},

Thank you for your message about "{subject}" (case {number}).

To sort this out for you I need a little more information:
- your order or account number
- 

As soon as I have your answer I will pick this up again. You can simply reply to this email.

Kind regards,
{agent}
{company}`},
	{"update", "Progress update", `Hello {customer},

A quick update on your case {number}: 

I will keep you posted and write again by the end of the next business day at the latest.

Kind regards,
{agent}
{company}`},
	{"resolved", "Resolution", `Hello {customer},

Good news about "{subject}" (case {number}): 

If anything is still not right, just reply to this email and we will reopen your case.

Kind regards,
{agent}
{company}`},
	{"apology", "Apology", `Hello {customer},

I am sincerely sorry about your experience with "{subject}". This is not the service we want you to have, and I understand your frustration.

Here is what I am doing to put it right: 

Kind regards,
{agent}
{company}`},
}

// fill is the reply's text for a case and the agent writing it.
func (r cannedReply) fill(cs caseflow.Case, agent caseflow.User, company string) string {
	if company == "" {
		company = "Customer Support"
	}
	name := agent.Name
	if name == "" {
		name = agent.Email
	}
	return strings.NewReplacer(
		"{customer}", firstName(cs.Customer.Name), "{number}", cs.Number, "{subject}", cs.Subject,
		"{agent}", name, "{company}", company,
	).Replace(r.Text)
}

// replyTemplate is GET /ui/cases/{number}/reply-template?template=id: the
// reply box filled with a canned reply, which the reply form swaps in.
func (u *ui) replyTemplate(c echo.Context) error {
	f := caseflow.Fields{}
	number := caseNumber(c, f)
	if err := f.Err(); err != nil {
		return err
	}
	cs, err := u.store.GetCase(c.Request().Context(), number)
	if err != nil {
		return err
	}
	text := ""
	for _, r := range cannedReplies {
		if r.ID == c.QueryParam("template") {
			text = r.fill(cs, user(c), u.policy.Company)
		}
	}
	form := newForm()
	form.Values.Set("body", text)
	return u.fragment(c, http.StatusOK, "case", "reply-body", form)
}
