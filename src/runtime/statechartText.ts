import type { GraphEdge, GraphNode, MachineGraph } from './machineGraph.ts';

/** Font sizes and line heights the layout reserves room for and the renderer draws with. */
export const TEXT = {
  titleSize: 13,
  bodySize: 11,
  labelSize: 11,
  lineHeight: 15,
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif',
} as const;

/** Per-character advance as a fraction of the font size, for Helvetica/Arial-like fonts. */
const NARROW = new Set("ijl.,:;|!'()[]{} /".split(''));
const SLIGHTLY_NARROW = new Set('frt-'.split(''));
const WIDE = new Set('mwMW@%'.split(''));

/**
 * An estimate of how wide `text` renders at `fontSize`, generous by a few percent so labels
 * never spill out of the boxes ELK reserved for them (the renderer cannot measure fonts: it is a
 * pure string builder, also used outside a browser).
 *
 * @example textWidth('MARK_GA', 11) // ≈ 50
 */
export function textWidth(text: string, fontSize: number, bold = false): number {
  let em = 0;
  for (const char of text) {
    if (NARROW.has(char)) em += 0.3;
    else if (SLIGHTLY_NARROW.has(char)) em += 0.38;
    else if (WIDE.has(char)) em += 0.86;
    else if (char >= 'A' && char <= 'Z') em += 0.68;
    else em += 0.57;
  }
  return Math.ceil(em * fontSize * (bold ? 1.08 : 1) * 1.04);
}

/** The lines of an edge label: the trigger with its guard, then the actions it runs. */
export function edgeLabelLines(edge: GraphEdge): string[] {
  const lines = [edge.guard === undefined ? edge.trigger : `${edge.trigger} [${edge.guard}]`];
  if (edge.actions.length > 0) lines.push(`/ ${edge.actions.map(displayAction).join(', ')}`);
  return lines;
}

/**
 * The text lines drawn inside a state box under its name: invoked actors, entry and exit actions,
 * and the transitions that have no target (they run actions without leaving the state, so they
 * would be arrows from the state to itself and only add clutter).
 */
export function nodeBodyLines(node: GraphNode, graph: MachineGraph): string[] {
  const lines: string[] = [];
  for (const invoke of node.invokes) lines.push(`invoke ${invoke.src}`);
  if (node.entry.length > 0) lines.push(`entry / ${node.entry.map(displayAction).join(', ')}`);
  if (node.exit.length > 0) lines.push(`exit / ${node.exit.map(displayAction).join(', ')}`);
  for (const edge of graph.edges) {
    if (edge.sourceId !== node.id || edge.targetIds.length > 0) continue;
    lines.push(edgeLabelLines(edge).join(' '));
  }
  return lines;
}

/** The name drawn for a state: its key, or H / H* for history states. */
export function nodeTitle(node: GraphNode): string {
  if (node.type === 'history') return node.history === 'deep' ? 'H*' : 'H';
  return node.key;
}

/** XState's built-in action types read better without their namespace: `xstate.assign` → `assign`. */
function displayAction(name: string): string {
  return name.startsWith('xstate.') ? name.slice('xstate.'.length) : name;
}
