/** The network editor as a person uses it: drag blocks in, wire them up, fix the network, undo, redo. */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  byTestId,
  dragWire,
  flowEdge,
  flowNode,
  graphCounts,
  screenshot,
  steady,
  steadyBox,
  textOf,
  useApp,
} from './app.ts';

const app = useApp();

const node = flowNode;
const edge = flowEdge;

/** Clicks an empty part of the canvas (clears the selection and takes focus off any form field). */
async function clickCanvas(page: Page): Promise<void> {
  await page.locator('.svelte-flow__pane').click({ position: { x: 24, y: 24 } });
}

/** Ids of blocks not entirely inside the visible canvas. */
async function blocksOutsideView(page: Page): Promise<string[]> {
  const view = (await page.locator('.svelte-flow').boundingBox())!;
  const out: string[] = [];
  for (const n of await page.locator('.svelte-flow__node').all()) {
    const b = (await n.boundingBox())!;
    if (
      b.x < view.x ||
      b.y < view.y ||
      b.x + b.width > view.x + view.width ||
      b.y + b.height > view.y + view.height
    )
      out.push((await n.getAttribute('data-id')) ?? '?');
  }
  return out;
}

describe('network editor', () => {
  it('drags blocks from the palette, connects them, fixes the head in the inspector; undo and redo', async () => {
    const page = await app.open();
    // The two-layer MLP template (edges are drawn once their blocks have been measured, a frame later).
    await expect.poll(() => graphCounts(page)).toEqual({ nodes: 5, edges: 4 });

    // An empty canvas: select everything, delete it.
    await clickCanvas(page);
    await page.keyboard.press('Control+A');
    await expect.poll(() => page.locator('.svelte-flow__node.selected').count()).toBe(5);
    await page.keyboard.press('Delete');
    await expect.poll(() => graphCounts(page)).toEqual({ nodes: 0, edges: 0 });
    await expect.poll(() => textOf(page, 'graph-problem')).toMatch(/no layers/i);
    await expect.poll(() => page.getByText('Drag blocks here').isVisible()).toBe(true);

    // Four blocks dragged from the palette, each landing where it was dropped.
    const pane = page.locator('.svelte-flow__pane');
    const paneBox = (await pane.boundingBox())!;
    const drops = [
      { kind: 'input', id: 'input', x: 90 },
      { kind: 'dense', id: 'dense1', x: 250 },
      { kind: 'dense', id: 'dense2', x: 410 },
      { kind: 'output', id: 'output', x: 570 },
    ];
    for (const [i, d] of drops.entries()) {
      const at = { x: d.x, y: 180 };
      await byTestId(page, `palette-${d.kind}`).dragTo(pane, { targetPosition: at });
      await expect.poll(() => page.locator('.svelte-flow__node').count()).toBe(i + 1);
      // The new block is the selected one, and it sits under the pointer.
      expect(await page.locator('.svelte-flow__node.selected').getAttribute('data-id')).toBe(d.id);
      const box = (await node(page, d.id).boundingBox())!;
      const drop = { x: paneBox.x + at.x, y: paneBox.y + at.y };
      expect(drop.x).toBeGreaterThan(box.x);
      expect(drop.x).toBeLessThan(box.x + box.width);
      expect(drop.y).toBeGreaterThan(box.y);
      expect(drop.y).toBeLessThan(box.y + box.height);
    }
    // Unconnected blocks do not make a network (the verdict on the last drop arrives from the engine).
    await expect
      .poll(() => textOf(page, 'graph-problem'))
      .toMatch(/Block "dense1" \(dense\) takes exactly one input but has 0/);

    // Each connection moves the problem on to the next block, which grows to show it and so moves its
    // handles: wait for the engine's verdict before reaching for the next handle.
    await dragWire(page, 'input', 'dense1');
    await expect.poll(() => edge(page, 'input', 'dense1').count()).toBe(1);
    await expect.poll(() => textOf(page, 'graph-problem')).toMatch(/Block "dense2" \(dense\) takes/);
    await dragWire(page, 'dense1', 'dense2');
    await expect.poll(() => edge(page, 'dense1', 'dense2').count()).toBe(1);
    await expect.poll(() => textOf(page, 'graph-problem')).toMatch(/Block "output" \(output\) takes/);
    await dragWire(page, 'dense2', 'output');
    await expect.poll(() => edge(page, 'dense2', 'output').count()).toBe(1);
    expect(await graphCounts(page)).toEqual({ nodes: 4, edges: 3 });

    // Wired up, the network still has a problem, named on the block and in the inspector: the last
    // dense block has no softmax for the cross-entropy output.
    await expect.poll(() => textOf(page, 'graph-problem')).toMatch(/softmax.*"dense2"/);
    await expect.poll(() => page.locator('.block.invalid').count()).toBe(1);
    await expect.poll(() => byTestId(page, 'param-count').count()).toBe(0);

    // Undo takes the last connection away; redo brings it back.
    await clickCanvas(page);
    await page.keyboard.press('Control+Z');
    await expect.poll(() => graphCounts(page)).toEqual({ nodes: 4, edges: 2 });
    expect(await edge(page, 'dense2', 'output').count()).toBe(0);
    await page.keyboard.press('Control+Shift+Z');
    await expect.poll(() => edge(page, 'dense2', 'output').count()).toBe(1);
    expect(await graphCounts(page)).toEqual({ nodes: 4, edges: 3 });

    // Fix the head in the inspector: two softmax units for the two classes of the spirals.
    await node(page, 'dense2').click();
    const inspector = page.getByRole('region', { name: 'Inspector' });
    await expect.poll(() => inspector.textContent()).toContain('dense2');
    await inspector.getByLabel('Activation').selectOption('softmax');
    const units = inspector.getByLabel('Units');
    await units.fill('2');
    await units.press('Enter');
    // 2 inputs → 8 ReLU units (24 parameters) → 2 softmax units (18).
    await expect.poll(() => textOf(page, 'param-count')).toBe('Network: 42 parameters');
    expect(await page.locator('.block.invalid').count()).toBe(0);
    expect(await byTestId(page, 'graph-problem').count()).toBe(0);
    expect(await textOf(page, 'block-dense2')).toContain('2 units · softmax');

    // Undo the last change (the unit count): the problem is back; redo fixes it again.
    await clickCanvas(page);
    await page.keyboard.press('Control+Z');
    await expect.poll(() => textOf(page, 'block-dense2')).toContain('8 units · softmax');
    await expect.poll(() => byTestId(page, 'graph-problem').count()).toBe(1);
    await page.keyboard.press('Control+Shift+Z');
    await expect.poll(() => textOf(page, 'param-count')).toBe('Network: 42 parameters');
    expect(await textOf(page, 'block-dense2')).toContain('2 units · softmax');
  });

  it('shows the skip-connection template with its Add block in the inspector (editor.png)', async () => {
    const page = await app.open();
    await byTestId(page, 'template-skip').click();
    await expect.poll(() => graphCounts(page)).toEqual({ nodes: 6, edges: 6 });
    // The skip: dense1 feeds both dense2 and the Add, which sums them.
    expect(await edge(page, 'dense1', 'add1').count()).toBe(1);
    expect(await edge(page, 'dense2', 'add1').count()).toBe(1);
    await expect.poll(() => textOf(page, 'param-count')).toBe('Network: 114 parameters');
    // The MLP had 114 parameters too: the Add block's width says the verdict is on the new network.
    await expect.poll(() => textOf(page, 'block-add1')).toContain('width 8');
    // The view fits the new network: every block is inside the canvas.
    await expect.poll(() => blocksOutsideView(page), { timeout: 3000 }).toEqual([]);

    // The automatic layout puts the skip edge straight behind dense2: drag dense2 down to show it.
    // Moving a block is a change like any other: undo puts it back, redo moves it again. The view
    // jumps to fit the new blocks once they are measured: grab dense2 where it is after that.
    const before = await steadyBox(node(page, 'dense2'));
    const grip = { x: before.x + before.width / 2, y: before.y + 8 };
    await page.mouse.move(grip.x, grip.y);
    await page.mouse.down();
    await page.mouse.move(grip.x, grip.y + 90, { steps: 10 });
    await page.mouse.up();
    const top = async () => Math.round((await node(page, 'dense2').boundingBox())!.y);
    await expect.poll(top).toBeGreaterThan(before.y + 60);
    const moved = await steady(top); // where the drop left it, rounded to whole pixels
    await clickCanvas(page);
    await page.keyboard.press('Control+Z');
    // Back where it was (to within a pixel of rounding on screen).
    await expect.poll(async () => Math.abs((await top()) - before.y)).toBeLessThanOrEqual(1);
    await page.keyboard.press('Control+Shift+Z');
    await expect.poll(async () => Math.abs((await top()) - moved)).toBeLessThanOrEqual(1);

    await node(page, 'add1').click();
    const inspector = page.getByRole('region', { name: 'Inspector' });
    await expect.poll(() => inspector.textContent()).toMatch(/Add\s*add1/);
    expect(await inspector.textContent()).toMatch(/Output width 8 · 0 parameters/);
    expect(await page.locator('.svelte-flow__node.selected').getAttribute('data-id')).toBe('add1');
    await screenshot(page, 'editor.png');
  });
});
