#!/usr/bin/env -S node --import tsx
// The installed `patchbay` executable: the same entry point as `npm run patchbay`.
import './main.ts';
