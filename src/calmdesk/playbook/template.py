"""The Jinja2 template of the HTML export (rendered with autoescape on: every value is escaped).

Variables: ``p`` the playbook, ``lang``, ``t`` the interface labels, ``x`` the formatter
(:class:`calmdesk.playbook.export._Texts`), ``stages``, ``ladder`` and ``fragment`` (only the
body's content, for pages that wrap it in their own layout).
"""

HTML_TEMPLATE = """\
{% if not fragment %}
<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ p.name }}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       line-height: 1.45; color: #1d2125; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { border: 1px solid #ccd; padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: #f1f3f6; }
.to-confirm { color: #8a4b00; font-weight: 600; }
.muted { color: #5b6470; }
section.category { border-left: 4px solid #6b8cce; padding-left: 1rem; margin-bottom: 1.5rem; }
</style>
</head>
<body>
{% endif %}
<article class="playbook" lang="{{ lang }}">
<header>
<h1>{{ p.name }}</h1>
<p class="muted">{{ t.policy }} · {{ t.company }}: {{ p.company }} ·
{{ t.languages }}: {{ p.languages | join(", ") }} · {{ t.currency }}: {{ p.currency }}</p>
</header>

<section id="calendar">
<h2>{{ t.calendar }}</h2>
<dl>
<dt>{{ t.timezone }}</dt><dd>{{ p.calendar.timezone }}</dd>
<dt>{{ t.country }}</dt><dd>{{ p.calendar.country }}\
{% if p.calendar.subdivision %} ({{ p.calendar.subdivision }}){% endif %}</dd>
<dt>{{ t.working_hours }}</dt>
<dd>{% for day, periods in x.working_hours() %}{{ day }} {{ periods }}\
{% if not loop.last %}; {% endif %}{% endfor %}</dd>
<dt>{{ t.closures }}</dt>
<dd>{% for day in p.calendar.closures %}{{ day.isoformat() }}{% if not loop.last %}, {% endif %}\
{% else %}{{ t.none }}{% endfor %}</dd>
</dl>
</section>

<section id="categories">
<h2>{{ t.categories }}</h2>
{% for c in p.categories %}
<section class="category" id="category-{{ c.key }}">
<h3>{{ c.name[lang] }}</h3>
<p>{{ c.description[lang] }}</p>
<table>
<tr><th>{{ t.team }}</th><td>{{ x.team(c.team) }}</td></tr>
<tr><th>{{ t.severities }}</th><td>{% for s in c.severities %}{{ s.name[lang] }} ({{ s.weight }})\
{% if s.key == c.default_severity %} <em>{{ t.default_severity }}</em>{% endif %}\
{% if not loop.last %}, {% endif %}{% endfor %}</td></tr>
<tr><th>{{ t.kpi }}</th><td>{{ t.first_response }}: {{ x.duration(c.kpi.first_response) }};
{{ t.resolution }}: {{ x.duration(c.kpi.resolution) }}</td></tr>
<tr><th>{{ t.legal }}</th><td>{{ x.legal(c.legal) }}\
{% if c.legal.to_confirm %} <span class="to-confirm">({{ t.to_confirm }})</span>{% endif %}
<br>{{ t.basis }}: {{ c.legal.basis[lang] }}
<br>{{ t.consequence }}: {{ c.legal.consequence[lang] }}</td></tr>
{% if c.examples.get(lang) %}
<tr><th>{{ t.examples }}</th><td><ul>{% for m in c.examples[lang] %}<li>{{ m }}</li>\
{% endfor %}</ul></td></tr>
{% endif %}
</table>
</section>
{% endfor %}
</section>

<section id="compensation">
<h2>{{ t.compensation }}</h2>
<p>{{ t.compensation_note }}</p>
<table>
<tr><th>{{ t.applies_to }}</th><th>{{ t.options }}</th><th>{{ t.agent_limit }}</th>
<th>{{ t.discount_limit }}</th></tr>
{% for rule in p.compensation %}
<tr><td>{{ x.applies_to(rule) }}</td>
<td><ul>{% for o in rule.options %}<li>{{ x.option(o) }}</li>{% endfor %}</ul></td>
<td>{{ x.amount(rule.agent_limit, "refund") }}</td>
<td>{{ x.amount(rule.agent_discount_limit_percent, "discount_percent") }}</td></tr>
{% endfor %}
</table>
{% if x.customer_cap() %}<p data-testid="customer-cap">{{ x.customer_cap() }}</p>{% endif %}
</section>

<section id="intake">
<h2>{{ t.intake }}</h2>
<ol>
{% for q in p.intake %}
<li>{{ q.text[lang] }}\
{% if not q.required %} <em class="muted">({{ t.optional }})</em>{% endif %}</li>
{% endfor %}
</ol>
</section>

<section id="conversation">
<h2>{{ t.conversation }}</h2>
<dl>
<dt>{{ t.end_call_allowed }}</dt><dd>{{ x.yes_no(p.conversation.end_call_allowed) }}</dd>
<dt>{{ t.warnings_before_end }}</dt><dd>{{ p.conversation.warnings_before_end }}</dd>
<dt>{{ t.transfer_available }}</dt><dd>{{ x.yes_no(p.conversation.transfer_available) }}</dd>
</dl>
<h3>{{ t.ladder }}</h3>
<ol>{% for rung in ladder %}<li>{{ t[rung.value] }}</li>{% endfor %}</ol>
<h3>{{ t.breaks }}</h3>
<ul>{% for rule in x.break_rules() %}<li>{{ rule }}</li>{% endfor %}</ul>
<p class="muted">{{ t.break_threshold.format(threshold=p.conversation.break_threshold) }}</p>
</section>

<section id="phrasebook">
<h2>{{ t.phrasebook }}</h2>
{% for stage in stages %}
<h3>{{ t[stage.value] }}</h3>
<ul>{% for v in p.phrases.stages[stage][lang] %}<li>{{ x.slot(v) }}</li>{% endfor %}</ul>
{% endfor %}
{% if p.phrases.still_here.get(lang) %}
<h3>{{ t.still_here }}</h3>
<ul>{% for v in p.phrases.still_here[lang] %}<li>{{ x.slot(v) }}</li>{% endfor %}</ul>
{% endif %}
{% if p.phrases.listening_signals.get(lang) %}
<h3>{{ t.listening_signals }}</h3>
<p>{{ p.phrases.listening_signals[lang] | join(", ") }}</p>
{% endif %}
<h3>{{ t.negative_wordings }}</h3>
<table>
<tr><th>{{ t.avoid }}</th><th>{{ t.say_instead }}</th></tr>
{% for w in p.phrases.negative_wordings[lang] %}
<tr><td>{{ w.phrase }}</td><td>{{ x.slot(w.alternative) }}</td></tr>
{% endfor %}
</table>
</section>

<section id="public">
<h2>{{ t.public }}</h2>
<dl>
<dt>{{ t.first_response }}</dt><dd>{{ x.duration(p.public.first_response) }}</dd>
<dt>{{ t.resolution }}</dt><dd>{{ x.duration(p.public.resolution) }}</dd>
<dt>{{ t.weekends_included }}</dt><dd>{{ x.yes_no(p.public.weekends_included) }}</dd>
</dl>
{% if p.public.guidance.get(lang) %}
<h3>{{ t.guidance }}</h3>
<ol>{% for step in p.public.guidance[lang] %}<li>{{ step }}</li>{% endfor %}</ol>
{% endif %}
</section>
</article>
{% if not fragment %}
</body>
</html>
{% endif %}
"""
