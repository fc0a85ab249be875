/**
 * Counts over places 1..n with prefix sums in O(log n) (a Fenwick tree): here, how many
 * people still wait ahead of a place. 4 bytes per place; grows by doubling.
 */
export class Fenwick {
  private tree = new Int32Array(1024);

  add(place: number, delta: number): void {
    while (place >= this.tree.length) this.grow();
    for (let i = place; i < this.tree.length; i += i & -i) this.tree[i]! += delta;
  }

  get bytes(): number {
    return this.tree.byteLength;
  }

  /** Sum over places 1..place. */
  prefix(place: number): number {
    let sum = 0;
    for (let i = Math.min(place, this.tree.length - 1); i > 0; i -= i & -i) sum += this.tree[i]!;
    return sum;
  }

  /**
   * With a power-of-two size n, doubling keeps every old node's range; of the new nodes
   * only node n reaches back over old places (it covers 1..n), so it starts as their total.
   */
  private grow(): void {
    const n = this.tree.length;
    const total = this.prefix(n - 1);
    const tree = new Int32Array(n * 2);
    tree.set(this.tree);
    tree[n] = total;
    this.tree = tree;
  }
}
