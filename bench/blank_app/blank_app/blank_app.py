"""The blank Reflex 0.10.1 app the benches compare the portal with: a counter, one
input, one handler each (no database, no session check)."""

import reflex as rx


class CounterState(rx.State):
    count: int = 0
    value: str = ""

    @rx.event
    def increment(self):
        self.count += 1

    @rx.event
    def set_value(self, value: str):
        self.value = value


def index() -> rx.Component:
    return rx.el.main(
        rx.el.label("Value", html_for="value"),
        rx.el.input(id="value", value=CounterState.value, on_change=CounterState.set_value),
        rx.el.button("Increment", id="increment", on_click=CounterState.increment),
        rx.el.p(CounterState.count, id="count"),
        id="main",
        # Like the portal's page template: the benches wait for this to read "true".
        custom_attrs={"data-hydrated": rx.cond(rx.State.is_hydrated, "true", "false")},
    )


app = rx.App(html_lang="en")
app.add_page(index, route="/")
