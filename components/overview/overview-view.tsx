'use client';
import { HealthPanel } from './health-panel';
import { PrincipalPanel } from './principal-panel';

export function OverviewView() {
  return (
    <div className="stack">
      <h1>Overview</h1>
      <div className="grid-2">
        <HealthPanel />
        <PrincipalPanel />
      </div>
    </div>
  );
}
