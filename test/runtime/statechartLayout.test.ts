import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { machineGraph } from '../../src/runtime/machineGraph.ts';
import { MACHINES } from '../../src/runtime/machineRegistry.ts';
import { type Box, layoutStatechart } from '../../src/runtime/statechartLayout.ts';
import { richMachine } from '../support/richMachine.ts';

const inside = (inner: Box, outer: Box) =>
  inner.x >= outer.x &&
  inner.y >= outer.y &&
  inner.x + inner.width <= outer.x + outer.width + 0.01 &&
  inner.y + inner.height <= outer.y + outer.height + 0.01;

const overlap = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

// Every registered machine, so machines added to the registry later are checked too.
for (const [name, machine] of Object.entries({ ...MACHINES, richMachine })) {
  const test = suite(`layoutStatechart(${name})`);
  const graph = machineGraph(machine);
  const layoutPromise = layoutStatechart(graph);

  test('places every state with a positive size', async () => {
    const layout = await layoutPromise;
    assert.equal(
      layout.nodes.map((placed) => placed.node.id),
      graph.nodes.map((node) => node.id),
    );
    for (const placed of layout.nodes) assert.ok(placed.width > 0 && placed.height > 0, placed.node.id);
  });

  test('nests every state inside its parent and inside the chart', async () => {
    const layout = await layoutPromise;
    const byId = new Map(layout.nodes.map((placed) => [placed.node.id, placed]));
    for (const placed of layout.nodes) {
      const parent = placed.node.parentId === null ? undefined : byId.get(placed.node.parentId);
      const outer = parent ?? { x: 0, y: 0, width: layout.width, height: layout.height };
      assert.ok(inside(placed, outer), `${placed.node.id} inside ${parent?.node.id ?? 'chart'}`);
    }
  });

  test('siblings do not overlap', async () => {
    const layout = await layoutPromise;
    for (const a of layout.nodes) {
      for (const b of layout.nodes) {
        if (a === b || a.node.parentId !== b.node.parentId) continue;
        assert.not.ok(overlap(a, b), `${a.node.id} / ${b.node.id}`);
      }
    }
  });

  test('draws one routed, labelled arrow per transition target', async () => {
    const layout = await layoutPromise;
    const expected = graph.edges.flatMap((edge) => edge.targetIds.map((target) => `${edge.id}->${target}`));
    assert.equal(
      layout.edges.map((placed) => `${placed.edge.id}->${placed.targetId}`).sort(),
      expected.sort(),
    );
    for (const placed of layout.edges) {
      assert.ok(placed.points.length >= 2, placed.edge.id);
      assert.ok(placed.label && placed.label.width > 0 && placed.label.lines.length > 0, placed.edge.id);
    }
  });

  test('edge labels overlap neither each other nor any leaf state', async () => {
    const layout = await layoutPromise;
    const labels = layout.edges.map((placed) => ({ box: placed.label!, id: placed.edge.id }));
    for (const [index, a] of labels.entries()) {
      for (const b of labels.slice(index + 1)) assert.not.ok(overlap(a.box, b.box), `${a.id} / ${b.id}`);
      for (const placed of layout.nodes) {
        if (placed.node.childIds.length > 0) continue;
        assert.not.ok(overlap(a.box, placed), `${a.id} over ${placed.node.id}`);
      }
    }
  });

  test('gives every compound state an initial marker pointing at its initial child', async () => {
    const layout = await layoutPromise;
    const expected = graph.nodes.flatMap((node) => node.initialIds.map((target) => `${node.id}->${target}`));
    assert.equal(
      layout.initialMarkers.map((marker) => `${marker.parentId}->${marker.targetId}`).sort(),
      expected.sort(),
    );
  });

  test.run();
}
