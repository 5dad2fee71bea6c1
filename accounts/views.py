from allauth.account.views import LoginView as AllauthLoginView


class LoginView(AllauthLoginView):
    """allauth's sign-in, answering 429 once an account's failed sign-ins hit the limit.

    allauth refuses the attempt with a form error and status 200; docs/reliability.md A9 wants the
    refusal visible to clients and monitoring as 429 Too Many Requests.
    """

    def form_invalid(self, form):
        response = super().form_invalid(form)
        codes = {error.code for error in form.non_field_errors().as_data()}
        if "too_many_login_attempts" in codes:
            response.status_code = 429
        return response


login = LoginView.as_view()
