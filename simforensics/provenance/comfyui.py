"""ComfyUI graphs: the executed ``prompt`` graph summarised by following each sampler's inputs.

The ``prompt`` chunk is the API graph ``{node id: {"class_type", "inputs"}}`` where a link is
``[source node id, output index]``. From each sampler node: ``positive``/``negative`` (directly,
or through a guider) lead to the text encoders, ``model`` leads through LoRA loaders to the
checkpoint, ``seed``/``noise_seed`` (or a RandomNoise node) give the seed. The ``workflow`` chunk
(the editor's graph) is only summarised, and read for the same facts when ``prompt`` is missing.
Every walk is bounded (limits.py) and remembers where it has been, so cycles end.
"""

from __future__ import annotations

from typing import Any

from .limits import GRAPH_MAX_NODES, GRAPH_MAX_WALK
from .model import GenerationRecord, Lora
from .text import as_text, clip
from .values import load_json, number_text, scalar

__all__ = ["parse_comfyui"]

_SAMPLER_TYPES = {"KSampler", "KSamplerAdvanced", "SamplerCustom", "SamplerCustomAdvanced"}
_POSITIVE_KEYS = ("text", "text_g", "text_l", "clip_l", "t5xxl", "prompt", "positive")
_NEGATIVE_KEYS = ("text", "text_g", "text_l", "clip_l", "t5xxl", "prompt", "negative")
# Links that never lead to prompt text: following them would reach the checkpoint or the image.
_NOT_TEXT = frozenset({
    "clip", "model", "vae", "image", "images", "pixels", "latent_image", "samples", "control_net",
    "mask", "clip_vision", "clip_vision_output", "upscale_model", "style_model", "noise", "sigmas",
    "sampler", "guider",
})
_MODEL_NAME_KEYS = ("ckpt_name", "unet_name", "model_name")
_SCALAR_KEYS = ("value", "seed", "noise_seed", "int", "number", "string", "text")


class _Graph:
    def __init__(self, nodes: dict[str, dict[str, Any]], notes: list[str]) -> None:
        self.nodes = nodes
        self.notes = notes

    def inputs(self, node_id: str) -> dict[str, Any]:
        node = self.nodes.get(node_id, {})
        inputs = node.get("inputs")
        return inputs if isinstance(inputs, dict) else {}

    def kind(self, node_id: str) -> str:
        value = self.nodes.get(node_id, {}).get("class_type")
        return value if isinstance(value, str) else ""

    def link(self, value: Any) -> str | None:
        """The source node of a link ``[id, index]``, when it exists in the graph."""
        if isinstance(value, list) and len(value) == 2 and isinstance(value[0], (str, int)) and not isinstance(value[0], bool):
            target = str(value[0])
            return target if target in self.nodes else None
        return None

    def resolve_scalar(self, value: Any, what: str) -> str | None:
        """A setting that may be a value or a link to a primitive node holding it."""
        seen: set[str] = set()
        while (target := self.link(value)) is not None:
            if target in seen or len(seen) >= GRAPH_MAX_WALK:
                self.notes.append(f"{what}: its links loop back (node {target}); not read")
                return None
            seen.add(target)
            inputs = self.inputs(target)
            value = next((inputs[k] for k in _SCALAR_KEYS if k in inputs), None)
        return scalar(value, what, self.notes)

    def texts(self, start: Any, keys: tuple[str, ...]) -> list[str]:
        """Prompt texts reached from a conditioning input, through combiners and ControlNets."""
        found: list[str] = []
        stack = [t for t in [self.link(start)] if t]
        seen: set[str] = set()
        while stack and len(seen) < GRAPH_MAX_WALK:
            node_id = stack.pop()
            if node_id in seen:
                continue
            seen.add(node_id)
            inputs = self.inputs(node_id)
            upstream = []
            for key, value in inputs.items():
                if key in keys:
                    text = value if isinstance(value, str) else self.resolve_scalar(value, f"ComfyUI node {node_id} '{key}'")
                    if text and text.strip() and text.strip() not in found:
                        found.append(text.strip())
                elif key not in _NOT_TEXT and (target := self.link(value)):
                    upstream.append(target)
            stack.extend(reversed(upstream))  # depth first, in input order: texts keep the graph's order
        return found

    def model_chain(self, start: Any) -> tuple[list[str], list[Lora]]:
        """Checkpoints and LoRAs met while following ``model`` links back from a sampler."""
        models: list[str] = []
        loras: list[Lora] = []
        target = self.link(start)
        seen: set[str] = set()
        while target and target not in seen and len(seen) < GRAPH_MAX_WALK:
            seen.add(target)
            inputs = self.inputs(target)
            for key in _MODEL_NAME_KEYS:
                if isinstance(inputs.get(key), str) and inputs[key] not in models:
                    models.append(inputs[key])
            if isinstance(inputs.get("lora_name"), str):
                weight = scalar(inputs.get("strength_model"), f"ComfyUI node {target} strength_model", self.notes)
                loras.append(Lora(name=inputs["lora_name"], weight=weight))
            for value in inputs.values():  # rgthree "Power Lora Loader": {"on", "lora", "strength"}
                if isinstance(value, dict) and isinstance(value.get("lora"), str) and value.get("on", True) is not False:
                    loras.append(Lora(name=value["lora"], weight=scalar(value.get("strength"), "ComfyUI LoRA strength", self.notes)))
            target = self.link(inputs.get("model"))
        return models, loras


def _node_order(node_id: str) -> tuple[int, str]:
    # isascii: str.isdigit() also accepts "¹" and other digits int() refuses (found by fuzzing).
    return (int(node_id), "") if node_id.isascii() and node_id.isdigit() else (1 << 62, node_id)


def _is_sampler(graph: _Graph, node_id: str) -> bool:
    inputs = graph.inputs(node_id)
    if graph.kind(node_id) in _SAMPLER_TYPES:
        return True
    has_conditioning = "positive" in inputs and "negative" in inputs
    return (has_conditioning and ("seed" in inputs or "noise_seed" in inputs)) or ("guider" in inputs and "noise" in inputs)


class _Summary:
    def __init__(self) -> None:
        self.prompts: list[str] = []
        self.negatives: list[str] = []
        self.seeds: list[str] = []
        self.steps: list[str] = []
        self.samplers: list[str] = []
        self.cfgs: list[str] = []
        self.sizes: list[str] = []
        self.models: list[str] = []
        self.loras: list[Lora] = []
        self.settings: list[tuple[str, str]] = []

    @staticmethod
    def add(target: list[Any], values: Any) -> None:
        for value in values if isinstance(values, list) else [values]:
            if value and value not in target:
                target.append(value)


def _summarise_prompt_graph(graph: _Graph, summary: _Summary) -> int:
    samplers = sorted((n for n in graph.nodes if _is_sampler(graph, n)), key=_node_order)
    for node_id in samplers:
        inputs = graph.inputs(node_id)
        guider = graph.link(inputs.get("guider"))
        conditioning = graph.inputs(guider) if guider else inputs
        positive = conditioning.get("positive", conditioning.get("conditioning"))
        summary.add(summary.prompts, graph.texts(positive, _POSITIVE_KEYS))
        summary.add(summary.negatives, graph.texts(conditioning.get("negative"), _NEGATIVE_KEYS))
        seed_value = inputs.get("seed", inputs.get("noise_seed"))
        noise = graph.link(inputs.get("noise"))
        if seed_value is None and noise:
            seed_value = graph.inputs(noise).get("noise_seed", graph.inputs(noise).get("seed"))
        seed = graph.resolve_scalar(seed_value, f"ComfyUI node {node_id} seed")
        summary.add(summary.seeds, number_text(seed, f"ComfyUI node {node_id} seed", graph.notes, whole=True))
        sigmas = graph.link(inputs.get("sigmas"))
        steps_value = inputs.get("steps", graph.inputs(sigmas).get("steps") if sigmas else None)
        summary.add(summary.steps, graph.resolve_scalar(steps_value, f"ComfyUI node {node_id} steps"))
        sampler_link = graph.link(inputs.get("sampler"))
        sampler_value = inputs.get("sampler_name", graph.inputs(sampler_link).get("sampler_name") if sampler_link else None)
        name = graph.resolve_scalar(sampler_value, f"ComfyUI node {node_id} sampler_name")
        scheduler = graph.resolve_scalar(
            inputs.get("scheduler", graph.inputs(sigmas).get("scheduler") if sigmas else None), f"ComfyUI node {node_id} scheduler")
        summary.add(summary.samplers, f"{name} {scheduler}" if name and scheduler else name)
        summary.add(summary.cfgs, graph.resolve_scalar(conditioning.get("cfg", inputs.get("cfg")), f"ComfyUI node {node_id} cfg"))
        latent = graph.link(inputs.get("latent_image"))
        if latent:
            width = graph.resolve_scalar(graph.inputs(latent).get("width"), "ComfyUI latent width")
            height = graph.resolve_scalar(graph.inputs(latent).get("height"), "ComfyUI latent height")
            summary.add(summary.sizes, f"{width}x{height}" if width and height else None)
        models, loras = graph.model_chain(conditioning.get("model", inputs.get("model")))
        summary.add(summary.models, models)
        summary.add(summary.loras, loras)
        denoise = inputs.get("denoise")
        if denoise is not None:
            summary.settings.append((f"denoise (node {node_id})", graph.resolve_scalar(denoise, "ComfyUI denoise") or "?"))
    summary.settings.insert(0, ("sampler nodes", ", ".join(f"{n} ({graph.kind(n) or '?'})" for n in samplers) or "none"))
    if not samplers:
        graph.notes.append("ComfyUI prompt graph holds no sampler node; prompts and seeds not traced")
        for node_id in sorted(graph.nodes, key=_node_order):  # still name the checkpoints loaded
            summary.add(summary.models, [v for k, v in graph.inputs(node_id).items() if k in _MODEL_NAME_KEYS and isinstance(v, str)])
    return len(samplers)


def _summarise_workflow(workflow: dict[str, Any], summary: _Summary, use_for_facts: bool, notes: list[str]) -> None:
    """The editor graph: node count, and (without a prompt graph) seeds, checkpoints and texts."""
    nodes = workflow.get("nodes")
    if not isinstance(nodes, list):
        notes.append("ComfyUI workflow has no node list; not summarised")
        return
    summary.settings.append(("workflow nodes", str(len(nodes))))
    version = workflow.get("version")
    if isinstance(version, (int, float, str)) and not isinstance(version, bool):
        summary.settings.append(("workflow version", as_text(version)))
    if not use_for_facts:
        return
    by_id = {str(n.get("id")): n for n in nodes[:GRAPH_MAX_NODES] if isinstance(n, dict)}
    links: dict[str, str] = {}
    raw_links = workflow.get("links")
    for link in raw_links if isinstance(raw_links, list) else []:
        if isinstance(link, list) and len(link) >= 4:
            links[str(link[0])] = str(link[1])  # link id -> source node id

    def widgets(node: dict[str, Any]) -> list[Any]:
        values = node.get("widgets_values")
        return values if isinstance(values, list) else []

    def linked_text(node: dict[str, Any], name: str) -> list[str]:
        slots = node.get("inputs")
        for slot in slots if isinstance(slots, list) else []:
            if isinstance(slot, dict) and slot.get("name") == name:
                source = by_id.get(links.get(str(slot.get("link")), ""), {})
                first = widgets(source)[:1]
                if first and isinstance(first[0], str):
                    return [first[0].strip()]
        return []

    for node in sorted(by_id.values(), key=lambda n: _node_order(str(n.get("id")))):
        kind, values = node.get("type"), widgets(node)
        if kind in ("KSampler", "KSamplerAdvanced"):
            if kind == "KSampler" and values:
                summary.add(summary.seeds, scalar(values[0], "ComfyUI workflow seed", notes))
            summary.add(summary.prompts, linked_text(node, "positive"))
            summary.add(summary.negatives, linked_text(node, "negative"))
        elif isinstance(kind, str) and "Loader" in kind and values and isinstance(values[0], str):
            summary.add(summary.models if "Lora" not in kind else summary.loras,
                        values[0] if "Lora" not in kind else Lora(name=values[0]))


def parse_comfyui(chunks: dict[str, str], notes: list[str]) -> GenerationRecord | None:
    summary = _Summary()
    found_in = []
    traced = False
    if "prompt" in chunks:
        data = load_json(chunks["prompt"], "PNG text 'prompt' (ComfyUI)", notes)
        if isinstance(data, dict):
            found_in.append("'prompt'")
            if len(data) > GRAPH_MAX_NODES:
                notes.append(f"ComfyUI prompt graph has {len(data)} nodes; the first {GRAPH_MAX_NODES} are read")
            nodes = {str(k): v for k, v in list(data.items())[:GRAPH_MAX_NODES] if isinstance(v, dict)}
            if len(nodes) < min(len(data), GRAPH_MAX_NODES):
                notes.append("ComfyUI prompt graph: some nodes are not JSON objects; ignored")
            _summarise_prompt_graph(_Graph(nodes, notes), summary)
            traced = True
        elif data is not None:
            notes.append(f"PNG text 'prompt' is a JSON {type(data).__name__}, not a ComfyUI graph; ignored")
    if "workflow" in chunks:
        workflow = load_json(chunks["workflow"], "PNG text 'workflow' (ComfyUI)", notes)
        if isinstance(workflow, dict):
            found_in.append("'workflow'")
            _summarise_workflow(workflow, summary, use_for_facts=not traced, notes=notes)
        elif workflow is not None:
            notes.append(f"PNG text 'workflow' is a JSON {type(workflow).__name__}, not a ComfyUI workflow; ignored")
    if not found_in:
        return None
    return GenerationRecord(
        generator="ComfyUI",
        found_in="PNG text " + " and ".join(found_in),
        prompts=tuple(clip(p)[0] for p in summary.prompts),
        negative_prompts=tuple(clip(p)[0] for p in summary.negatives),
        seeds=tuple(summary.seeds),
        steps=", ".join(summary.steps) or None,
        sampler=", ".join(summary.samplers) or None,
        cfg_scale=", ".join(summary.cfgs) or None,
        size=", ".join(summary.sizes) or None,
        models=tuple(summary.models),
        loras=tuple(summary.loras),
        settings=tuple(summary.settings),
    )
