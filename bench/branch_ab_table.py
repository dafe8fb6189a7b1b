#!/usr/bin/env python3
"""Markdown table of bench/branch_ab.sh records: per cell, both variants' median, worst and unproven
counts, instances faster / slower by more than 20 %, and answers that differ."""
import json,statistics,sys
rs=[json.loads(l) for l in open(sys.argv[1]) if l.strip()]
recs=[r for r in rs if 'seconds' in r]
peaks={}
for r in rs:
    if 'peak_rss_mib' in r: peaks[(r['family'],r['stages'],r['objective'],r['branch'])]=r['peak_rss_mib']
cells={}
for r in recs: cells.setdefault((r['family'],r['stages'],r['objective']),{}).setdefault(r['branch'],[]).append(r)
goal={'cost':'min cost; latency+accuracy','latency':'min latency; cost+accuracy','accuracy':'max accuracy; latency+cost'}
print("| family, stages, goal | n | before median s | before worst s | before unproven | after median s | after worst s | after unproven | faster / slower by >20 % | answers differ | load |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
tot={0:[],1:[]}; disagree=0
for k in sorted(cells, key=lambda k:(k[1],k[0],['cost','latency','accuracy'].index(k[2]))):
    c=cells[k]
    if 0 not in c or 1 not in c: continue
    a=sorted(c[0],key=lambda r:r['seed']); b=sorted(c[1],key=lambda r:r['seed'])
    ta=[r['seconds'] for r in a]; tb=[r['seconds'] for r in b]
    tot[0]+=ta; tot[1]+=tb
    fast=sum(1 for x,y in zip(a,b) if y['seconds']<0.8*x['seconds']); slow=sum(1 for x,y in zip(a,b) if y['seconds']>1.2*x['seconds'])
    d=0
    for x,y in zip(a,b):
        if x['status']=='optimal' and y['status']=='optimal':
            v,w=x['value'],y['value']
            if abs(v-w)>1e-9*max(abs(v),abs(w),0 if k[2]=='accuracy' else 1): d+=1
        elif x['status']!='feasible' and y['status']!='feasible' and x['status']!=y['status']: d+=1
    disagree+=d
    loads=[r['load_avg_1m'] for r in a+b]
    un=lambda rr: sum(r['status']=='feasible' for r in rr)
    print(f"| {k[0]} {k[1]} {goal[k[2]]} | {len(a)} | {statistics.median(ta):.3f} | {max(ta):.3f} | {un(a)} | {statistics.median(tb):.3f} | {max(tb):.3f} | {un(b)} | {fast} / {slow} | {d} | {min(loads):.1f}–{max(loads):.1f} |")
print("total instances", len(tot[0]), "disagreements", disagree)
