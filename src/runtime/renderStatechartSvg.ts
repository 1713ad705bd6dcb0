import type {
  PlacedEdge,
  PlacedInitialMarker,
  PlacedNode,
  Point,
  StatechartLayout,
} from './statechartLayout.ts';
import { TEXT } from './statechartText.ts';

/** The CSS class an active state's group carries; the debug page toggles it as events arrive. */
export const ACTIVE_STATE_CLASS = 'active';

/** Options for {@link renderStatechartSvg}. */
export interface RenderStatechartOptions {
  /** State ids to mark with the `active` class (see `activeStateIds`). */
  activeStateIds?: Iterable<string>;
  /** Leave out the `<?xml?>` prolog, for inlining the SVG into HTML. */
  inline?: boolean;
}

/**
 * The CSS the SVG carries with it, so a standalone file and the debug page look the same.
 * Active states are blue; the page may toggle `.active` on any `[data-state-id]` group.
 */
const STYLE = `
.statechart { font-family: ${TEXT.fontFamily}; }
.statechart .state > .box { fill: #ffffff; stroke: #64748b; stroke-width: 1.2; }
.statechart .state-compound > .box, .statechart .state-parallel > .box { fill: #f8fafc; }
.statechart .state-root > .box { fill: #f1f5f9; stroke: #334155; }
.statechart .state-region > .box { fill: none; stroke: #94a3b8; stroke-dasharray: 6 4; }
.statechart .state-final > .inner { fill: none; stroke: #64748b; stroke-width: 1.2; }
.statechart .state .title { font-size: ${TEXT.titleSize}px; font-weight: 600; fill: #0f172a; }
.statechart .state .kind { font-size: 10px; fill: #64748b; letter-spacing: 0.04em; }
.statechart .state .body { font-size: ${TEXT.bodySize}px; fill: #475569; }
.statechart .state-history > .box { fill: #fff; }
.statechart .state.${ACTIVE_STATE_CLASS} > .box { stroke: #2563eb; stroke-width: 1.8; }
.statechart .state-atomic.${ACTIVE_STATE_CLASS} > .box, .statechart .state-final.${ACTIVE_STATE_CLASS} > .box { stroke-width: 2.5; }
.statechart .state-atomic.${ACTIVE_STATE_CLASS} > .box, .statechart .state-final.${ACTIVE_STATE_CLASS} > .box { fill: #dbeafe; }
.statechart .state.${ACTIVE_STATE_CLASS} > .title { fill: #1d4ed8; }
.statechart .transition path { fill: none; stroke: #475569; stroke-width: 1.3; }
.statechart .transition .label-bg { fill: #ffffff; fill-opacity: 0.92; }
.statechart .transition .label { font-size: ${TEXT.labelSize}px; fill: #0f172a; }
.statechart .transition .label .actions { fill: #7c3aed; }
.statechart .transition .label .guard { fill: #b45309; }
.statechart .transition-after path { stroke-dasharray: 5 3; }
.statechart .initial circle { fill: #0f172a; }
.statechart .initial path { fill: none; stroke: #0f172a; stroke-width: 1.3; }
`;

/**
 * Draws a laid-out statechart as an SVG document string: states as rounded boxes nested inside
 * their parents, parallel regions with dashed borders, final states with a double border,
 * initial markers (dot and arrow), and transitions as labelled arrows. Pure string building, so
 * it runs in Node (CLI, server) and in a browser alike.
 *
 * @example renderStatechartSvg(await layoutStatechart(machineGraph(updateLifecycle)), { activeStateIds })
 */
export function renderStatechartSvg(layout: StatechartLayout, options: RenderStatechartOptions = {}): string {
  const active = new Set(options.activeStateIds ?? []);
  const markerId = `arrow-${layout.graph.machineId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const byId = new Map(layout.graph.nodes.map((node) => [node.id, node]));
  const parts: string[] = [];
  if (!options.inline) parts.push('<?xml version="1.0" encoding="UTF-8"?>');
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="statechart" data-machine="${escapeXml(layout.graph.machineId)}" ` +
      `width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}">`,
    `<title>${escapeXml(layout.graph.machineId)} statechart</title>`,
    `<style>${STYLE}</style>`,
    `<defs><marker id="${markerId}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" ` +
      `orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#475569"/></marker></defs>`,
    '<g class="states">',
  );
  for (const placed of layout.nodes) {
    const parentType = placed.node.parentId === null ? undefined : byId.get(placed.node.parentId)?.type;
    parts.push(renderState(placed, parentType === 'parallel', active.has(placed.node.id)));
  }
  parts.push('</g>', '<g class="initials">');
  for (const marker of layout.initialMarkers) parts.push(renderInitialMarker(marker, markerId));
  parts.push('</g>', '<g class="transitions">');
  for (const edge of layout.edges) parts.push(renderTransition(edge, markerId));
  parts.push('</g>', '</svg>');
  return parts.join('\n');
}

function renderState(placed: PlacedNode, isRegion: boolean, isActive: boolean): string {
  const { node, x, y, width, height } = placed;
  const classes = ['state', `state-${node.type}`];
  if (node.parentId === null) classes.push('state-root');
  if (isRegion) classes.push('state-region');
  if (isActive) classes.push(ACTIVE_STATE_CLASS);
  const open = `<g class="${classes.join(' ')}" data-state-id="${escapeXml(node.id)}"><title>${escapeXml(node.id)}</title>`;
  if (node.type === 'history') {
    const r = width / 2;
    return (
      `${open}<circle class="box" cx="${n(x + r)}" cy="${n(y + r)}" r="${n(r)}"/>` +
      `<text class="title" x="${n(x + r)}" y="${n(y + r + 4)}" text-anchor="middle">${node.history === 'deep' ? 'H*' : 'H'}</text></g>`
    );
  }
  const radius = node.childIds.length > 0 ? 8 : 6;
  const shapes = [
    `<rect class="box" x="${n(x)}" y="${n(y)}" width="${n(width)}" height="${n(height)}" rx="${radius}"/>`,
  ];
  if (node.type === 'final') {
    shapes.push(
      `<rect class="inner" x="${n(x + 3)}" y="${n(y + 3)}" width="${n(width - 6)}" height="${n(height - 6)}" rx="${radius - 2}"/>`,
    );
  }
  const textX = x + 12;
  let baseline = y + 10 + TEXT.titleSize;
  shapes.push(`<text class="title" x="${n(textX)}" y="${n(baseline)}">${escapeXml(node.key)}</text>`);
  if (node.type === 'parallel') {
    shapes.push(
      `<text class="kind" x="${n(x + width - 10)}" y="${n(baseline)}" text-anchor="end">parallel</text>`,
    );
  }
  baseline += 2;
  for (const line of placed.bodyLines) {
    baseline += TEXT.lineHeight;
    shapes.push(`<text class="body" x="${n(textX)}" y="${n(baseline)}">${escapeXml(line)}</text>`);
  }
  return `${open}${shapes.join('')}</g>`;
}

function renderInitialMarker(marker: PlacedInitialMarker, markerId: string): string {
  return (
    `<g class="initial" data-initial-of="${escapeXml(marker.parentId)}">` +
    `<circle cx="${n(marker.dot.x)}" cy="${n(marker.dot.y)}" r="4.5"/>` +
    `<path d="${pathData(marker.points)}" marker-end="url(#${markerId})"/></g>`
  );
}

function renderTransition(placed: PlacedEdge, markerId: string): string {
  const { edge } = placed;
  const parts = [
    `<g class="transition transition-${edge.kind.replace('.', '-')}" data-edge-id="${escapeXml(edge.id)}" ` +
      `data-event="${escapeXml(edge.eventType)}">`,
    `<path d="${pathData(placed.points)}" marker-end="url(#${markerId})"/>`,
  ];
  const label = placed.label;
  if (label) {
    parts.push(
      `<rect class="label-bg" x="${n(label.x)}" y="${n(label.y)}" width="${n(label.width)}" height="${n(label.height)}" rx="3"/>`,
    );
    const [first = '', ...rest] = label.lines;
    const spans = [labelFirstLine(first, edge.guard)];
    for (const line of rest) {
      spans.push(
        `<tspan class="actions" x="${n(label.x + 4)}" dy="${TEXT.lineHeight}">${escapeXml(line)}</tspan>`,
      );
    }
    parts.push(
      `<text class="label" x="${n(label.x + 4)}" y="${n(label.y + 2 + TEXT.labelSize)}">${spans.join('')}</text>`,
    );
  }
  parts.push('</g>');
  return parts.join('');
}

/** The trigger in the label's colour and the `[guard]` in the guard colour, on one line. */
function labelFirstLine(line: string, guard: string | undefined): string {
  const guardText = guard === undefined ? '' : ` [${guard}]`;
  if (!guardText || !line.endsWith(guardText)) return escapeXml(line);
  return `${escapeXml(line.slice(0, -guardText.length))}<tspan class="guard">${escapeXml(guardText)}</tspan>`;
}

/** An orthogonal polyline with its corners rounded a little, which reads better at bends. */
function pathData(points: Point[]): string {
  if (points.length === 0) return '';
  const [start, ...rest] = points;
  const commands = [`M ${n(start!.x)} ${n(start!.y)}`];
  for (let i = 0; i < rest.length; i++) {
    const corner = rest[i]!;
    const next = rest[i + 1];
    const previous = i === 0 ? start! : rest[i - 1]!;
    if (!next) {
      commands.push(`L ${n(corner.x)} ${n(corner.y)}`);
      continue;
    }
    const r = Math.min(6, distance(previous, corner) / 2, distance(corner, next) / 2);
    const before = toward(corner, previous, r);
    const after = toward(corner, next, r);
    commands.push(
      `L ${n(before.x)} ${n(before.y)}`,
      `Q ${n(corner.x)} ${n(corner.y)} ${n(after.x)} ${n(after.y)}`,
    );
  }
  return commands.join(' ');
}

function distance(a: Point, b: Point): number {
  return Math.hypot(b.x - a.x, b.y - a.y);
}

function toward(from: Point, to: Point, length: number): Point {
  const d = distance(from, to);
  if (d === 0) return from;
  return { x: from.x + ((to.x - from.x) * length) / d, y: from.y + ((to.y - from.y) * length) / d };
}

/** Numbers with at most one decimal, to keep the SVG small and diff-friendly. */
function n(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/**
 * Escapes text for XML content and attribute values.
 *
 * @example escapeXml('a < b & "c"') // 'a &lt; b &amp; &quot;c&quot;'
 */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
