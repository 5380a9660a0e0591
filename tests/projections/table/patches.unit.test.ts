import { describe, expect, it } from 'vitest';
import { applyPatches, packPatches, tailPatch, wholePatch } from '../../../src/projections/table/patches.js';
import { packSegments, unpackSegments } from '../../../src/projections/table/segments.js';

const u32 = (...words: number[]) => [...new Uint8Array(Uint32Array.from(words).buffer)];

describe('packed patches', () => {
  it('keep the layout that delta snapshots already on disk have', () => {
    // given a part written whole and a part grown by two bytes
    const patches = [wholePatch(Uint8Array.from([1, 2, 3])), tailPatch(Uint8Array.from([9, 8, 7, 6]), 2)];
    // when packed
    const packed = packPatches(patches);
    // then: 3 segments (the header's 7 words, 3 bytes, 2 bytes); the header (2 patches: length 3 with 1 range at 0,
    // length 4 with 1 range at 2); then the ranges' bytes
    expect([...packed]).toEqual([...u32(3, 28, 3, 2), ...u32(2, 3, 1, 0, 4, 1, 2), 1, 2, 3, 7, 6]);
  });

  it('turn a base into the parts now, short ranges and long ones alike', () => {
    // given a base of two parts, then the first part changed in a short and a long range and the second grown
    const first = Uint8Array.from({ length: 4096 }, (_, i) => i % 251);
    const second = Uint8Array.from([5, 6]);
    const base = unpackSegments(packSegments([first, second]));
    const firstNow = first.slice();
    firstNow.fill(77, 10, 20);
    firstNow.fill(88, 1000, 3000);
    const secondNow = Uint8Array.from([5, 6, 7, 8, 9]);
    // when the patches are packed and applied to the base
    const patched = applyPatches(base, packPatches([{ length: firstNow.byteLength, bytes: firstNow, ranges: [[10, 20], [1000, 3000]] }, tailPatch(secondNow, 2)]));
    // then the base's parts are the parts now
    expect(patched.map((part) => [...part])).toEqual([[...firstNow], [...secondNow]]);
  });
});

