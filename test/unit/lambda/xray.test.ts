import { expect } from 'chai';
import { parseXrayHeader } from '../../../src/lambda/xray';

describe('lambda/xray: the X-Ray trace header as W3C ids', () => {
  it('reads Root, Parent and Sampled', () => {
    expect(parseXrayHeader('Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1')).to.deep.equal({ traceId: '5759e988bd862e3fe1be46a994272793', parentId: '53995c3f42cd8ad8', sampled: true });
  });
  it('takes the fields in any order, with Lineage and other extras', () => {
    expect(parseXrayHeader('Sampled=0;Lineage=a87bd80c:1|68fd508a:5;Root=1-5759E988-BD862E3FE1BE46A994272793')).to.deep.equal({ traceId: '5759e988bd862e3fe1be46a994272793', parentId: undefined, sampled: false });
  });
  it('refuses malformed and all-zero ids', () => {
    for (const h of [undefined, '', 'Root=2-5759e988-bd862e3fe1be46a994272793', 'Root=1-xyz', 'Root=1-00000000-000000000000000000000000']) expect(parseXrayHeader(h), String(h)).to.equal(undefined);
    expect(parseXrayHeader('Root=1-5759e988-bd862e3fe1be46a994272793;Parent=0000000000000000')!.parentId).to.equal(undefined);
  });
});
