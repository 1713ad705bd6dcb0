import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { updateLifecycle } from '../../machines/updateLifecycle.ts';
import { machineGraph } from '../../src/runtime/machineGraph.ts';
import { escapeXml, renderStatechartSvg } from '../../src/runtime/renderStatechartSvg.ts';
import { layoutStatechart } from '../../src/runtime/statechartLayout.ts';
import { richMachine } from '../support/richMachine.ts';

const test = suite('renderStatechartSvg');
const lifecycleLayout = await layoutStatechart(machineGraph(updateLifecycle));
const richLayout = await layoutStatechart(machineGraph(richMachine));

const count = (text: string, pattern: RegExp) => text.match(pattern)?.length ?? 0;
const stateGroup = (svg: string, id: string) =>
  svg.match(new RegExp(`<g class="([^"]*)" data-state-id="${id.replace(/\./g, '\\.')}"`))?.[1];

test('is an SVG document with one group per state and one per transition arrow', () => {
  const svg = renderStatechartSvg(lifecycleLayout);
  assert.ok(svg.startsWith('<?xml'));
  assert.ok(svg.includes('<svg xmlns="http://www.w3.org/2000/svg"'));
  assert.is(count(svg, /data-state-id=/g), lifecycleLayout.nodes.length);
  assert.is(count(svg, /class="transition /g), lifecycleLayout.edges.length);
  assert.is(count(svg, /class="initial"/g), lifecycleLayout.initialMarkers.length);
});

test('marks exactly the given states active', () => {
  const svg = renderStatechartSvg(lifecycleLayout, {
    activeStateIds: ['updateLifecycle.catalog.state.GA'],
  });
  assert.is(count(svg, /class="state [^"]*\bactive\b/g), 1);
  assert.ok(stateGroup(svg, 'updateLifecycle.catalog.state.GA')!.split(' ').includes('active'));
  assert.not.ok(stateGroup(svg, 'updateLifecycle.catalog.state.PreApproval')!.split(' ').includes('active'));
});

test('draws parallel regions dashed and final states with a double border', () => {
  const svg = renderStatechartSvg(lifecycleLayout);
  assert.ok(stateGroup(svg, 'updateLifecycle.catalog.state')!.includes('state-region'));
  assert.ok(stateGroup(svg, 'updateLifecycle.catalog.priority')!.includes('state-region'));
  assert.ok(stateGroup(svg, 'updateLifecycle.deleted')!.includes('state-final'));
  assert.is(count(svg, /<rect class="inner"/g), 1);
});

test('labels transitions with event, [guard], actions and after delays', () => {
  const lifecycle = renderStatechartSvg(lifecycleLayout);
  assert.ok(lifecycle.includes('MARK_REMOVE<tspan class="guard"> [wasEverGA]</tspan>'));
  assert.ok(lifecycle.includes('/ recordTransition'));
  const rich = renderStatechartSvg(richLayout);
  assert.ok(rich.includes('after 5s<tspan class="guard"> [isOnline]</tspan>'));
  assert.ok(rich.includes('>after backoff<'));
  assert.ok(rich.includes('isOnline &amp;&amp; !canRetry'));
  assert.ok(rich.includes('>invoke fetchManifest<'));
  assert.ok(rich.includes('>H*<'));
});

test('inline mode leaves out the XML prolog', () => {
  assert.ok(renderStatechartSvg(lifecycleLayout, { inline: true }).startsWith('<svg '));
});

test.run();

const escaping = suite('escapeXml');

escaping('escapes the five XML special characters', () => {
  assert.is(escapeXml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
});

escaping.run();
