import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import type { GraphEdge, GraphNode, MachineGraph } from './machineGraph.ts';
import { edgeLabelLines, nodeBodyLines, nodeTitle, TEXT, textWidth } from './statechartText.ts';

/** A point in the chart's coordinate system (pixels, origin top-left). */
export interface Point {
  x: number;
  y: number;
}

/** A box in the chart's coordinate system. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A state placed on the chart; boxes are absolute, children lie inside their parent's box. */
export interface PlacedNode extends Box {
  node: GraphNode;
  /** The height of the title band (name plus body lines) at the top of the box. */
  headerHeight: number;
  bodyLines: string[];
}

/** One drawn arrow of a transition: a transition with two targets draws two arrows. */
export interface PlacedEdge {
  edge: GraphEdge;
  targetId: string;
  /** Start point, bend points, end point. */
  points: Point[];
  label?: Box & { lines: string[] };
}

/** The initial-state marker of a compound state: a dot and an arrow into the initial child. */
export interface PlacedInitialMarker {
  parentId: string;
  targetId: string;
  dot: Point;
  points: Point[];
}

/** Everything the SVG renderer needs: a graph with every element placed by ELK. */
export interface StatechartLayout {
  graph: MachineGraph;
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  initialMarkers: PlacedInitialMarker[];
}

const PAD = 14;
const DOT = 10;
const MIN_ATOMIC = { width: 84, height: 38 };
const HISTORY_SIZE = 30;

/** Layout options applied to the whole hierarchy; one layered layout across all levels. */
const ROOT_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.direction': 'RIGHT',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.json.shapeCoords': 'ROOT',
  'elk.json.edgeCoords': 'ROOT',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  // Reversing the edges that point back in document order keeps the initial state on the left
  // and the author's order of states as the reading order.
  'elk.layered.cycleBreaking.strategy': 'DEPTH_FIRST',
  'elk.separateConnectedComponents': 'false',
  'elk.layered.crossingMinimization.forceNodeModelOrder': 'true',
  'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
  'elk.layered.spacing.nodeNodeBetweenLayers': '36',
  'elk.layered.spacing.edgeNodeBetweenLayers': '16',
  'elk.layered.spacing.edgeEdgeBetweenLayers': '12',
  'elk.spacing.nodeNode': '28',
  'elk.spacing.edgeNode': '16',
  'elk.spacing.edgeEdge': '12',
  'elk.spacing.edgeLabel': '4',
  'elk.spacing.componentComponent': '28',
  'elk.edgeLabels.placement': 'CENTER',
  'elk.padding': '[top=12,left=12,bottom=12,right=12]',
};

/** Options ELK reads per nested graph rather than from the root, so every compound state repeats them. */
const NESTED_OPTIONS: Record<string, string> = {
  'elk.direction': ROOT_OPTIONS['elk.direction']!,
  'elk.layered.cycleBreaking.strategy': ROOT_OPTIONS['elk.layered.cycleBreaking.strategy']!,
  'elk.separateConnectedComponents': ROOT_OPTIONS['elk.separateConnectedComponents']!,
};

/**
 * Lays a machine graph out with ELK's layered algorithm over the whole hierarchy
 * (`INCLUDE_CHILDREN`), so nested states sit inside their parents and arrows may cross levels.
 * ELK runs in-process (no worker), in Node and in a browser alike.
 *
 * @example const layout = await layoutStatechart(machineGraph(updateLifecycle))
 */
export async function layoutStatechart(graph: MachineGraph): Promise<StatechartLayout> {
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const bodyLinesById = new Map(graph.nodes.map((node) => [node.id, nodeBodyLines(node, graph)]));
  const headerHeights = new Map<string, number>();

  const toElk = (node: GraphNode): ElkNode => {
    const title = nodeTitle(node);
    const body = bodyLinesById.get(node.id)!;
    const contentWidth = Math.max(
      textWidth(title, TEXT.titleSize, true),
      ...body.map((line) => textWidth(line, TEXT.bodySize)),
    );
    const header = 10 + TEXT.lineHeight + 2 + body.length * TEXT.lineHeight;
    headerHeights.set(node.id, header);
    const elkId = nodeElkId(node.id);
    if (node.type === 'history') return { id: elkId, width: HISTORY_SIZE, height: HISTORY_SIZE };
    if (node.childIds.length === 0) {
      return {
        id: elkId,
        width: Math.max(MIN_ATOMIC.width, contentWidth + 2 * PAD),
        height: Math.max(MIN_ATOMIC.height, header + 8),
      };
    }
    const children = node.childIds.map((childId) => toElk(byId.get(childId)!));
    if (node.type === 'compound' && node.initialIds.length > 0) {
      children.unshift({ id: markerElkId(node.id), width: DOT, height: DOT });
    }
    return {
      id: elkId,
      children,
      layoutOptions: {
        ...NESTED_OPTIONS,
        'elk.padding': `[top=${header + 8},left=${PAD},bottom=${PAD},right=${PAD}]`,
        'elk.nodeSize.constraints': 'MINIMUM_SIZE',
        'elk.nodeSize.minimum': `(${contentWidth + 2 * PAD}, ${header + 2 * PAD})`,
      },
    };
  };

  const edges: ElkExtendedEdge[] = [];
  const edgeById = new Map<string, { edge: GraphEdge; targetId: string; lines: string[] }>();
  for (const edge of graph.edges) {
    edge.targetIds.forEach((targetId, index) => {
      const id = `edge:${edge.id}#${index}`;
      const lines = edgeLabelLines(edge);
      edgeById.set(id, { edge, targetId, lines });
      edges.push({
        id,
        sources: [nodeElkId(edge.sourceId)],
        targets: [nodeElkId(targetId)],
        labels: [{ id: `${id}:label`, text: lines.join('\n'), ...labelSize(lines) }],
      });
    });
  }
  for (const node of graph.nodes) {
    if (node.type !== 'compound') continue;
    for (const targetId of node.initialIds) {
      edges.push({
        id: `initial:${node.id}->${targetId}`,
        sources: [markerElkId(node.id)],
        targets: [nodeElkId(targetId)],
      });
    }
  }

  // elkjs is CommonJS: Node hands us module.exports, whose `default` is the same constructor
  // (and the one its typings declare). The bundled build falls back to running ELK in-thread.
  // Imported on first use: it is 1.6 MB of JavaScript, which a provider start would otherwise parse
  // (and scan for exports) before serving its first check-in, for a debug page.
  const { default: elkBundled } = await import('elkjs/lib/elk.bundled.js');
  const root: ElkNode = await new elkBundled.default().layout({
    id: '__chart',
    layoutOptions: ROOT_OPTIONS,
    children: [toElk(byId.get(graph.rootId)!)],
    edges,
  });

  const placed = new Map<string, Box>();
  const collect = (elkNode: ElkNode): void => {
    placed.set(elkNode.id, {
      x: elkNode.x ?? 0,
      y: elkNode.y ?? 0,
      width: elkNode.width ?? 0,
      height: elkNode.height ?? 0,
    });
    for (const child of elkNode.children ?? []) collect(child);
    for (const edge of elkNode.edges ?? []) collectEdge(edge);
  };
  const placedEdges: PlacedEdge[] = [];
  const initialMarkers: PlacedInitialMarker[] = [];
  const collectEdge = (elkEdge: ElkExtendedEdge): void => {
    const points = edgePoints(elkEdge);
    if (elkEdge.id.startsWith('initial:')) {
      const [parentId, targetId] = elkEdge.id.slice('initial:'.length).split('->') as [string, string];
      const dot = placed.get(markerElkId(parentId));
      initialMarkers.push({
        parentId,
        targetId,
        dot: dot ? { x: dot.x + DOT / 2, y: dot.y + DOT / 2 } : points[0]!,
        points,
      });
      return;
    }
    const source = edgeById.get(elkEdge.id)!;
    const elkLabel = elkEdge.labels?.[0];
    const result: PlacedEdge = { edge: source.edge, targetId: source.targetId, points };
    if (elkLabel) {
      result.label = {
        x: elkLabel.x ?? 0,
        y: elkLabel.y ?? 0,
        width: elkLabel.width ?? 0,
        height: elkLabel.height ?? 0,
        lines: source.lines,
      };
    }
    placedEdges.push(result);
  };
  collect(root);

  const nodes = graph.nodes.map((node): PlacedNode => {
    const box = placed.get(nodeElkId(node.id));
    if (!box) throw new TypeError(`Expected ELK to place state ${node.id}, got nothing`);
    return {
      ...box,
      node,
      headerHeight: headerHeights.get(node.id)!,
      bodyLines: bodyLinesById.get(node.id)!,
    };
  });
  return {
    graph,
    width: Math.ceil(root.width ?? 0),
    height: Math.ceil(root.height ?? 0),
    nodes,
    edges: placedEdges,
    initialMarkers,
  };
}

function nodeElkId(stateId: string): string {
  return `state:${stateId}`;
}

function markerElkId(stateId: string): string {
  return `dot:${stateId}`;
}

function labelSize(lines: string[]): { width: number; height: number } {
  return {
    width: Math.max(...lines.map((line) => textWidth(line, TEXT.labelSize))) + 8,
    height: lines.length * TEXT.lineHeight + 4,
  };
}

function edgePoints(edge: ElkExtendedEdge): Point[] {
  const points: Point[] = [];
  for (const section of edge.sections ?? []) {
    points.push(section.startPoint, ...(section.bendPoints ?? []), section.endPoint);
  }
  return points.map(({ x, y }) => ({ x, y }));
}
