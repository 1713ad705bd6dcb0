#!/usr/bin/env -S node --max-semi-space-size=64 --import tsx
// The installed `patchbay` executable: the same entry point as `npm run patchbay`.
import './main.ts';
