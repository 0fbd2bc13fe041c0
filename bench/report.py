"""The readable table printed by `make bench` (from the same dict written to results/bench.json)."""

from __future__ import annotations

from typing import List, Optional

AIM_ACCURACY = 0.95
AIM_TRAIN_SECONDS = 300.0
AIM_P95_RATIO = 1.5
AIM_RSS_RATIO = 1.25


def _f(value: Optional[float], fmt: str = "{:.3f}", missing: str = "—") -> str:
    return missing if value is None else fmt.format(value)


def _aim(ok: Optional[bool]) -> str:
    return "" if ok is None else ("✓" if ok else "✗ MISSED")


def _section(title: str) -> List[str]:
    return ["", title, "-" * len(title)]


def _problem(part: Optional[dict]) -> Optional[str]:
    if part is None:
        return "not run"
    if "error" in part:
        return part["error"]
    return None


def nlu_lines(nlu: Optional[dict], starter_train: Optional[float]) -> List[str]:
    lines = _section("NLU: project model, held-out and blind sets")
    problem = _problem(nlu)
    if problem:
        return lines + [f"  {problem}"]
    for name, title in (
        ("heldout", "held-out set"),
        ("blind", "blind set"),
        ("blind2", "sealed blind set"),
        ("blind3", "sealed blind set 3"),
    ):
        held = nlu.get(name)
        if not held:
            lines.append(f"  {title}: {nlu.get(name + '_missing', 'no scores')}")
            continue
        lines += [
            f"  {title + ' file':30} {nlu.get(name + '_path', '?')}  (n={held['n']}, {held['intents']} intents, "
            f"{held['overlap_with_training']} more left out: also in data/)",
            f"  {'intent accuracy':30} {_f(held['accuracy'])}   aim ≥ {AIM_ACCURACY}  {_aim(held['accuracy'] >= AIM_ACCURACY)}",
            f"  {'macro-F1':30} {_f(held['macro_f1'])}   aim ≥ {AIM_ACCURACY}  {_aim(held['macro_f1'] >= AIM_ACCURACY)}",
            f"  {'fallback (nlu_fallback) rate':30} {_f(held['fallback_rate'] * 100, '{:.1f} %')}",
            f"  {'accuracy, best non-fallback':30} {_f(held['accuracy_top_non_fallback'])}   (if the fallback threshold were 0)",
            f"  {'weakest intents (F1)':30} "
            + ", ".join(f"{w['intent']} {w['f1']:.2f}" for w in held["worst_intents"][:4]),
        ]
    train = nlu.get("train_seconds")
    reference = f"; starter bot's `rasa init`: {starter_train:.0f} s" if starter_train else ""
    lines.append(
        f"  {'training time (one run)':30} {_f(train, '{:.0f} s')}   aim < {AIM_TRAIN_SECONDS:.0f} s  "
        f"{_aim(None if train is None else train < AIM_TRAIN_SECONDS)}{reference}"
    )
    lines.append(f"  {'model load (Agent.load)':30} {_f(nlu.get('agent_load_seconds'), '{:.1f} s')}")
    return lines


def snips_lines(snips: Optional[dict]) -> List[str]:
    lines = _section("SNIPS-FR: the project's NLU pipeline vs Rasa's default, external French data")
    problem = _problem(snips)
    if problem:
        return lines + [f"  {problem}"]
    split = snips["split"]
    seeds = snips.get("training_seeds") or [None]
    lines.append(
        f"  {split['train']} train / {split['test']} test utterances, {split['intents']} intents, "
        f"80/20 per intent, seed {snips['seed']}{'  [--quick: 5 epochs]' if snips.get('quick') else ''}"
    )
    lines.append(
        f"  each pipeline trained {len(seeds)} time(s), training seeds "
        f"{', '.join(str(s) for s in seeds)}: median accuracy [lowest–highest run]"
    )
    lines.append(f"  {'':22} {'clean acc':>10} {'[range]':>13} {'typos acc':>10} {'[range]':>13} {'lost to typos':>14}")
    for label, name in (("project", "project config.yml"), ("default", "Rasa default (fr)")):
        part = snips[label]
        cells = []
        for test in ("clean", "typos"):
            scores = part[test]
            low, high = scores.get("accuracy_min", scores["accuracy"]), scores.get("accuracy_max", scores["accuracy"])
            cells.append(f"{_f(scores['accuracy']):>10} {'[' + _f(low) + '–' + _f(high) + ']':>13}")
        lines.append(f"  {name:22} {cells[0]} {cells[1]} {_f(part['typo_drop'], '{:+.3f}'):>14}")
    project, default = snips["project"], snips["default"]
    d_clean = project["clean"]["accuracy"] - default["clean"]["accuracy"]
    d_typos = project["typos"]["accuracy"] - default["typos"]["accuracy"]
    lines.append(
        f"  {'project − default':22} {d_clean:>+10.3f} {'':13} {d_typos:>+10.3f}   "
        f"beats default on clean {_aim(d_clean > 0)}, on typos {_aim(d_typos > 0)}"
    )
    overlap = [
        test
        for test in ("clean", "typos")
        if "accuracy_min" in project[test]
        and "accuracy_min" in default[test]
        and project[test]["accuracy_min"] <= default[test]["accuracy_max"]
        and default[test]["accuracy_min"] <= project[test]["accuracy_max"]
    ]
    if overlap:
        lines.append(
            f"  the two pipelines' runs overlap on {' and '.join(overlap)}: "
            f"there the difference is within the training-seed noise"
        )
    lines.append(f"  project pipeline: {snips['pipelines']['project']}")
    lines.append(f"  default pipeline: {snips['pipelines']['default']}")
    lines.append(f"    from {snips['default_source']}")
    return lines


def server_lines(server: Optional[dict]) -> List[str]:
    lines = _section("REST server: project vs Rasa's starter bot (same run, 127.0.0.1)")
    problem = _problem(server)
    if problem:
        return lines + [f"  {problem}"]
    starter = server.get("starter")
    project = server.get("project")
    ratios = server.get("ratios", {})
    lines.append(
        f"  {server['messages_per_mode']} messages per mode and bot, one sender id each; "
        f"{server['rounds']} rounds alternating bots; load time = median of "
        f"{(starter or {}).get('starts', server['load_repeats'])} start(s) per bot"
    )
    if project is None:
        lines.append(f"  project not measured: {server.get('project_skipped', '?')}")
    lines.append(f"  {'':30} {'project':>10} {'starter':>10} {'ratio':>7}  aim")

    def row(label: str, getter, fmt: str, ratio_key: Optional[str] = None, aim: Optional[float] = None) -> None:
        p = getter(project) if project else None
        s = getter(starter) if starter else None
        r = ratios.get(ratio_key) if ratio_key else None
        if r is None and p is not None and s:
            r = p / s
        aim_text = ""
        if aim is not None and r is not None:
            aim_text = f"≤ {aim}×  {_aim(r <= aim)}"
        lines.append(f"  {label:30} {_f(p, fmt):>10} {_f(s, fmt):>10} {_f(r, '{:.2f}'):>7}  {aim_text}")

    conc = server.get("concurrency")
    row("load: start → serving (s)", lambda b: b["load_seconds_median"], "{:.1f}", "load_time")
    row("first reply, cold (ms)", lambda b: b["first_reply_ms_median"], "{:.0f}")
    row("serial p50 (ms)", lambda b: b["serial"].get("p50_ms"), "{:.0f}", "serial_p50")
    row("serial p95 (ms)", lambda b: b["serial"].get("p95_ms"), "{:.0f}", "serial_p95", AIM_P95_RATIO)
    row(f"{conc} clients p50 (ms)", lambda b: b["concurrent"].get("p50_ms"), "{:.0f}", "concurrent_p50")
    row(f"{conc} clients p95 (ms)", lambda b: b["concurrent"].get("p95_ms"), "{:.0f}", "concurrent_p95", AIM_P95_RATIO)
    row(f"{conc} clients throughput (msg/s)", lambda b: b["concurrent"].get("throughput_msg_s"), "{:.1f}")
    row("RSS idle, model loaded (MiB)", lambda b: b["rss_mib"].get("idle"), "{:.0f}")
    row("RSS after warm-up (MiB)", lambda b: b["rss_mib"].get("after_warmup"), "{:.0f}")
    row("RSS after load (MiB)", lambda b: b["rss_mib"].get("after_load"), "{:.0f}", "rss_after_load", AIM_RSS_RATIO)
    row("RSS peak during load (MiB)", lambda b: b.get("rss_peak_mib"), "{:.0f}", "rss_peak")
    row("failed requests", lambda b: b["serial"].get("errors", 0) + b["concurrent"].get("errors", 0), "{:.0f}")
    row(
        "empty replies",
        lambda b: b["serial"].get("empty_replies", 0) + b["concurrent"].get("empty_replies", 0),
        "{:.0f}",
    )
    slow = ((project or {}).get("concurrent") or {}).get("slowest") or []
    if slow:
        lines.append(
            f"  project, slowest messages under {conc} clients (median): "
            + "; ".join(f"« {m['text']} » {m['median_ms']:.0f} ms" for m in slow[:3])
        )
    if server.get("action_server_rss_mib") is not None:
        lines.append(
            f"  project action server RSS after load: {server['action_server_rss_mib']:.0f} MiB (not in the ratio)"
        )
    for note in server.get("notes", []):
        lines.append(f"  note: {note}")
    return lines


def snips_cv_lines(cv: Optional[dict]) -> List[str]:
    lines = _section("SNIPS-FR cross-validation: the project's NLU pipeline vs Rasa's default, training part only")
    problem = _problem(cv)
    if problem:
        return lines + [f"  {problem}"]
    lines.append(
        f"  {cv['n']} training sentences of the split (seed {cv['split_seed']}; its test part is not used), "
        f"{cv['folds']} folds, training seed {cv['training_seed']} for both"
        f"{'  [--quick: 5 epochs]' if cv.get('quick') else ''}"
    )
    lines.append("  each sentence scored once, by the model of the fold that did not train on it")
    lines.append(f"  {'':22} {'clean':>16} {'typos':>16}")
    for label, key in (("project config.yml", "first_correct"), ("Rasa default (fr)", "second_correct")):
        cells = [f"{cv[test][key]}/{cv[test]['n']} {cv[test][key] / cv[test]['n']:.3f}" for test in ("clean", "typos")]
        lines.append(f"  {label:22} {cells[0]:>16} {cells[1]:>16}")
    for test in ("clean", "typos"):
        pair = cv[test]
        first, second = len(pair["only_first"]), len(pair["only_second"])
        verdict = (
            "a real difference (p < 0.05)" if pair["p_value"] < 0.05 else "too few to tell the two apart (p ≥ 0.05)"
        )
        lines.append(
            f"  {test}: right for the project only {first}, for the default only {second}; "
            f"McNemar exact p = {pair['p_value']:.2f}: {verdict}"
        )
        for item in pair["only_first"][:4] + pair["only_second"][:4]:
            lines.append(
                f"    {item['gold']:>20}  project {item['first']:<20} default {item['second']:<20} "
                f"« {item['text'][:60]} »"
            )
    seconds = cv.get("train_seconds", {})
    lines.append(
        f"  median training per fold: project {_f(seconds.get('project'), '{:.0f} s')}, "
        f"default {_f(seconds.get('default'), '{:.0f} s')}"
    )
    lines.append(f"  project pipeline: {cv['pipelines']['project']}")
    lines.append(f"  default pipeline: {cv['pipelines']['default']}")
    return lines


def _outcome_cells(scores: dict) -> str:
    return (
        f"{scores['right']:>5} {scores['accuracy']:.3f}  {scores['wrong_rate']:>6.1%}  "
        f"{scores['fallback_rate']:>6.1%}  {scores['mash_rejection']:>6.1%}  {scores['threshold']:.4g}"
    )


def nlu_cv_lines(cv: Optional[dict]) -> List[str]:
    lines = _section("NLU cross-validation on data/nlu (tests/nlu/ not used)")
    problem = _problem(cv)
    if problem:
        return lines + [f"  {problem}"]
    project = cv["project"]
    lines.append(
        f"  {project['n']} sentences, {cv['intents']} intents, {cv['folds']} folds, training seed "
        f"{cv['training_seed']}; each sentence read by the model of the fold that did not train on it"
    )
    lines.append(
        f"  keyboard mash: {cv['mash']['count']} seeded strings (seed {cv['mash']['seed']}), "
        "parsed by every fold's model"
    )
    lines.append(f"  {'':34} {'right':>11}  {'wrong':>6}  {'fallbk':>6}  {'mash↩':>6}  threshold")
    lines.append(f"  {'config.yml':34} {_outcome_cells(project)}")
    against = cv.get("against")
    if against:
        name = cv["configs"]["against"]
        lines.append(f"  {name[:22] + ', own threshold':34} {_outcome_cells(against['own_threshold'])}")
        lines.append(f"  {name[:22] + ', equal mash':34} {_outcome_cells(against['equal_mash'])}")
        for label in ("own_threshold", "equal_mash"):
            pair = cv["comparison"][label]
            first, second = len(pair["only_first"]), len(pair["only_second"])
            lines.append(
                f"  {label.replace('_', ' ')}: right for config.yml only {first}, for {name} only "
                f"{second}; McNemar exact p = {pair['p_value']:.3f}"
            )
    lines.append("  weakest intents of config.yml (recall; what the missed sentences became):")
    for row in project["weakest_intents"]:
        missed = ", ".join(f"{intent} {count}" for intent, count in row["missed_as"].items())
        lines.append(f"    {row['intent']:<26} {row['recall']:.2f} of {row['support']:<4} {missed}")
    lines.append(f"  median training per fold: {_f(project.get('train_seconds'), '{:.0f} s')}")
    return lines


def render(results: dict) -> str:
    meta = results.get("meta", {})
    parts = results.get("parts", [])
    command = "make bench" if len(parts) != 1 else f"make bench-{parts[0]}"
    head = (
        f"Virage — {command}   {meta.get('started', '')}   commit {meta.get('commit', '?')}   "
        f"{meta.get('cpus', '?')} CPUs, load average {meta.get('loadavg_start', '?')} → {meta.get('loadavg_end', '?')}"
        f"   {meta.get('elapsed_seconds', 0) / 60:.1f} min"
        + ("   [--quick: smoke run, figures not comparable]" if meta.get("quick") else "")
    )
    lines = [head, "=" * min(len(head), 100)]
    server = results.get("server")
    starter_train = server.get("starter_train_seconds") if isinstance(server, dict) else None
    if "nlu" in parts:
        lines += nlu_lines(results.get("nlu"), starter_train)
    if "snips" in parts:
        lines += snips_lines(results.get("snips"))
    if "snips-cv" in parts:
        lines += snips_cv_lines(results.get("snips-cv"))
    if "nlu-cv" in parts:
        lines += nlu_cv_lines(results.get("nlu-cv"))
    if "server" in parts:
        lines += server_lines(server)
    lines.append("")
    timing = [
        f"{part} {results[part]['elapsed_seconds'] / 60:.1f} min"
        for part in parts
        if isinstance(results.get(part), dict) and results[part].get("elapsed_seconds") is not None
    ]
    if timing:
        lines.append("Time per part: " + ", ".join(timing) + ".")
    lines.append("Medians and p95 pooled over all messages of a mode; ratios are project ÷ starter from this run.")
    if results.get("json_path"):
        lines.append(f"Full results: {results['json_path']}")
    return "\n".join(lines)
